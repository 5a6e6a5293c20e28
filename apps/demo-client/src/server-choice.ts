/** Where the page connects, and why a requested server was not used. */
export interface ServerChoice {
  /** The WebSocket URL to connect to. */
  readonly url: string
  /** Set when `?server=` named a server the allow-list does not contain (the page's own origin is used instead). */
  readonly refused: string | null
}

/**
 * Picks the server of the page: its own origin, or the `?server=` URL when its origin is on the
 * allow-list. A page that followed any link's `?server=` would hand its player to whoever wrote
 * the link; signatures name the server they are for, but the player would still play there.
 *
 * @param page - the page's location (`location.href`)
 * @param allowList - origins besides the page's own that `?server=` may name, e.g. `wss://eu.play.example`
 * @returns the URL to connect to and, when a request was refused, the refused value
 * @example
 * ```ts
 * chooseServer('https://play.example/?server=wss://evil.example', []) // { url: 'wss://play.example/', refused: 'wss://evil.example' }
 * ```
 */
export function chooseServer(page: string, allowList: readonly string[]): ServerChoice {
  const here = new URL(page)
  const own = `${here.protocol === 'https:' ? 'wss' : 'ws'}://${here.host}/`
  const requested = here.searchParams.get('server')
  if (requested === null) return { url: own, refused: null }
  let target: URL
  try {
    target = new URL(requested)
  } catch {
    return { url: own, refused: requested }
  }
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:') return { url: own, refused: requested }
  const ownOrigins = new Set([`ws://${here.host}`, `wss://${here.host}`])
  const allowed = new Set(allowList.map((o) => o.trim().replace(/\/+$/, '').toLowerCase()))
  const origin = `${target.protocol}//${target.host}`.toLowerCase()
  if (ownOrigins.has(origin) || allowed.has(origin)) return { url: target.href, refused: null }
  return { url: own, refused: requested }
}

/**
 * Reads the allow-list from `<meta name="orrery-allowed-servers" content="wss://a, wss://b">`.
 * @param doc - the document
 * @returns the listed origins (empty without the tag)
 */
export function allowedServers(doc: Pick<Document, 'querySelector'>): string[] {
  const content = doc.querySelector('meta[name="orrery-allowed-servers"]')?.getAttribute('content') ?? ''
  return content
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}
