// Marks what a category search matched: the typed text inside the name, or, for pinyin initials
// ("ld" → 路灯), the characters whose initials were typed. Mirrors the server's rule in
// zhiguan.taxonomy.naming.pinyin_initials: one letter per Chinese character, ASCII letters and
// digits as themselves, punctuation dropped.

export interface Segment {
  text: string
  hit: boolean
}

function initialsWidth(ch: string): number {
  if (/^[A-Za-z0-9]$/.test(ch)) return 1
  if (/^\p{Script=Han}$/u.test(ch)) return 1
  return 0
}

function segments(text: string, hits: boolean[]): Segment[] {
  const out: Segment[] = []
  for (let i = 0; i < text.length; i++) {
    const hit = hits[i] ?? false
    const last = out[out.length - 1]
    if (last && last.hit === hit) last.text += text[i]
    else out.push({ text: text[i]!, hit })
  }
  return out
}

/** Split `name` into plain and matched parts for `query`; `initials` are the name's own pinyin initials. */
export function highlight(name: string, query: string, initials = ''): Segment[] {
  const q = query.trim().toLowerCase().replace(/\s+/g, ' ')
  const hits = new Array<boolean>(name.length).fill(false)
  if (!q || !name) return name ? [{ text: name, hit: false }] : []

  const at = name.toLowerCase().indexOf(q)
  if (at >= 0) {
    hits.fill(true, at, at + q.length)
    return segments(name, hits)
  }

  const compact = q.replace(/ /g, '')
  const chars = Array.from(name)
  const widths = chars.map(initialsWidth)
  const total = widths.reduce((a, b) => a + b, 0)
  if (/^[a-z0-9]+$/.test(compact) && initials.length === total) {
    const start = initials.toLowerCase().indexOf(compact)
    if (start >= 0) {
      const end = start + compact.length
      let pos = 0
      let offset = 0
      const charHits: boolean[] = []
      chars.forEach((ch, i) => {
        const w = widths[i]!
        const hit = w > 0 && pos >= start && pos < end
        for (let k = 0; k < ch.length; k++) charHits[offset + k] = hit
        pos += w
        offset += ch.length
      })
      return segments(name, charHits)
    }
  }
  return [{ text: name, hit: false }]
}

/** Highlight each level of a path ("市容环境 / 环境卫生 / 垃圾清运") with its initials ("srhj/hjws/ljqy"). */
export function highlightPath(pathName: string, query: string, pathInitials = '', separator = ' / '): Segment[][] {
  const names = pathName.split(separator)
  const initials = pathInitials.split('/')
  const aligned = initials.length === names.length
  return names.map((n, i) => highlight(n, query, aligned ? initials[i] : ''))
}
