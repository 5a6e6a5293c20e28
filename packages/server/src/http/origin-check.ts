/**
 * The WebSocket upgrade's Origin rule: with an allow-list, a browser page from another origin may not open
 * a connection (cross-site WebSocket hijacking); clients that send no Origin (bots, native apps) may.
 *
 * @param allowed - allowed origins (`https://game.example`, `http://localhost:3000`), or undefined for any
 * @returns a predicate over the request's Origin header
 * @example
 * const ok = originCheck(['https://game.example'])
 * ok('https://evil.example') // false
 * ok(undefined) // true
 */
export function originCheck(allowed: readonly string[] | undefined): (origin: string | undefined) => boolean {
  if (allowed === undefined) return () => true
  const set = new Set(allowed.map((o) => o.toLowerCase().replace(/\/+$/, '')))
  return (origin) => origin === undefined || set.has(origin.toLowerCase())
}
