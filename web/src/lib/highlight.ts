// Marks what a category search matched: the typed text inside the name; or, for pinyin, the
// characters whose initials were typed ("ld" → 路灯, "bl" → 路灯[不亮]) or whose full pinyin was
// typed ("deng" → 路[灯]). Mirrors the server's rules in zhiguan.taxonomy.naming / queries
// (decision 060): initials are one letter per Chinese character, ASCII letters and digits as
// themselves, punctuation dropped; a match is looked for at the start of the name first, then at
// the start of one of its words, then anywhere.

export interface Segment {
  text: string
  hit: boolean
}

/** What the search API tells about a hit's own name, beyond its initials. */
export interface PinyinInfo {
  /** Initials of each word, space-separated ("ld bl"). */
  words?: string
  /** One entry per character of the name: its syllable, or the character itself ("" for punctuation). */
  syllables?: string[]
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

/** Where `needle` first occurs in `hay`, trying `preferred` offsets first; -1 when nowhere. */
function find(hay: string, needle: string, preferred: number[]): number {
  for (const at of preferred) if (hay.startsWith(needle, at)) return at
  return hay.indexOf(needle)
}

function wordStarts(words: string): number[] {
  const starts: number[] = []
  let pos = 0
  for (const w of words.split(' ').filter(Boolean)) {
    starts.push(pos)
    pos += w.length
  }
  return starts
}

/** Mark the characters (by code point) whose pinyin spans overlap [start, end) of their concatenation. */
function markSpans(name: string, widths: number[], start: number, end: number): Segment[] {
  const chars = Array.from(name)
  const charHits: boolean[] = []
  let pos = 0
  let offset = 0
  chars.forEach((ch, i) => {
    const w = widths[i]!
    const hit = w > 0 && pos < end && pos + w > start
    for (let k = 0; k < ch.length; k++) charHits[offset + k] = hit
    pos += w
    offset += ch.length
  })
  return segments(name, charHits)
}

/** Split `name` into plain and matched parts for `query`; `initials` are the name's own pinyin initials. */
export function highlight(name: string, query: string, initials = '', info: PinyinInfo = {}): Segment[] {
  const q = query.trim().toLowerCase().replace(/\s+/g, ' ')
  const hits = new Array<boolean>(name.length).fill(false)
  if (!q || !name) return name ? [{ text: name, hit: false }] : []

  const at = name.toLowerCase().indexOf(q)
  if (at >= 0) {
    hits.fill(true, at, at + q.length)
    return segments(name, hits)
  }

  const compact = q.replace(/ /g, '')
  if (!/^[a-z0-9]+$/.test(compact)) return [{ text: name, hit: false }]
  const chars = Array.from(name)
  const syllables = info.syllables?.length === chars.length ? info.syllables : undefined

  // Initials: the whole name, then a word, then anywhere.
  const widths = syllables ? syllables.map((s) => (s ? 1 : 0)) : chars.map(initialsWidth)
  const own = syllables ? syllables.map((s) => s.charAt(0)).join('') : initials.toLowerCase()
  if (own.length === widths.reduce((a, b) => a + b, 0)) {
    const start = find(own, compact, [0, ...wordStarts(info.words ?? '')])
    if (start >= 0) return markSpans(name, widths, start, start + compact.length)
  }

  // Full pinyin ("ludeng", "deng"): from the start of a character first.
  if (syllables) {
    const full = syllables.join('')
    const lengths = syllables.map((s) => s.length)
    const starts: number[] = []
    lengths.reduce((pos, n) => (starts.push(pos), pos + n), 0)
    const start = find(full, compact, starts)
    if (start >= 0) return markSpans(name, lengths, start, start + compact.length)
  }
  return [{ text: name, hit: false }]
}

/** Highlight each level of a path ("市容环境 / 环境卫生 / 垃圾清运") with its initials ("srhj/hjws/ljqy");
 *  `leaf` tells the last level's words and syllables. */
export function highlightPath(
  pathName: string,
  query: string,
  pathInitials = '',
  separator = ' / ',
  leaf: PinyinInfo = {},
): Segment[][] {
  const names = pathName.split(separator)
  const initials = pathInitials.split('/')
  const aligned = initials.length === names.length
  return names.map((n, i) => highlight(n, query, aligned ? initials[i] : '', i === names.length - 1 ? leaf : {}))
}
