import { describe, expect, it } from 'vitest'
import { escapeHtml, textElement } from '../src/lib/html'
import { readRuntimeConfig } from '../src/config'

const PLANTED = '<img src=x onerror="window.__xss=1">'

describe('names are text, never markup', () => {
  it('escapes every character HTML gives meaning to', () => {
    expect(escapeHtml(PLANTED)).toBe('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;')
    expect(escapeHtml(`a&b 'c'`)).toBe('a&amp;b &#39;c&#39;')
    expect(escapeHtml(null)).toBe('')
  })

  it('shows the escaped name literally where Leaflet would insert it as HTML', () => {
    const box = document.createElement('div')
    box.innerHTML = `<strong>${escapeHtml(PLANTED)}</strong>`
    expect(box.querySelector('img')).toBeNull()
    expect(box.textContent).toBe(PLANTED)
    expect(textElement(PLANTED).textContent).toBe(PLANTED)
    expect(textElement(PLANTED).children.length).toBe(0)
  })
})

describe('runtime settings', () => {
  it('are read from the JSON data block the server puts into the page', () => {
    const doc = document.implementation.createHTMLDocument('t')
    doc.head.innerHTML = '<script type="application/json" id="zhiguan-config">{"mapTileUrl": "http://t/{z}/{x}/{y}.png", "jurisdiction": "330114"}</script>'
    const config = readRuntimeConfig(doc)
    expect(config.mapTileUrl).toBe('http://t/{z}/{x}/{y}.png')
    expect(config.jurisdiction).toBe('330114')
    expect(config.apiDocsUrl).toBe('/api/v1/docs')
  })

  it('fall back to the defaults without a block or with a broken one', () => {
    const doc = document.implementation.createHTMLDocument('t')
    expect(readRuntimeConfig(doc).adminUrl).toBe('/admin/')
    doc.head.innerHTML = '<script type="application/json" id="zhiguan-config">{not json</script>'
    expect(readRuntimeConfig(doc).jurisdiction).toBeNull()
  })
})
