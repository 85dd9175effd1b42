// Text that ends up inside HTML a library builds from strings (Leaflet tooltips and popups take
// HTML): names of areas, departments and categories are data, never markup.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** `value` with the five characters HTML gives meaning to replaced by their entities. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/** An element holding `value` as plain text: for Leaflet, which inserts a string as HTML but an element as is. */
export function textElement(value: unknown, tag: keyof HTMLElementTagNameMap = 'span'): HTMLElement {
  const el = document.createElement(tag)
  el.textContent = String(value ?? '')
  return el
}
