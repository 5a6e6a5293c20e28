import { AuthError } from './auth-error.js'

/**
 * The server name a client signs for: the authority (`host[:port]`, lowercase) of the URL it
 * connects to. The client derives it itself and never takes it from the server, so a server
 * that relays another's Challenge gets a signature naming itself, which the other refuses.
 *
 * @param url - the `ws://`, `wss://`, `http://` or `https://` URL the client connects to
 * @returns the authority, e.g. `play.example` or `127.0.0.1:3000`
 * @throws {AuthError} `ERR_INVALID_OPTIONS` when the URL does not parse or has no host
 * @example
 * ```ts
 * serverNameOf('wss://Play.Example/game') // 'play.example'
 * ```
 */
export function serverNameOf(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (cause) {
    throw new AuthError('ERR_INVALID_OPTIONS', 'the server URL does not parse', { cause })
  }
  if (parsed.host === '') throw new AuthError('ERR_INVALID_OPTIONS', 'the server URL has no host')
  return parsed.host.toLowerCase()
}

function splitHost(name: string): { host: string; port: string | null } {
  if (name.startsWith('[')) {
    const end = name.indexOf(']')
    const rest = name.slice(end + 1)
    return { host: name.slice(0, end + 1), port: rest.startsWith(':') ? rest.slice(1) : null }
  }
  const colon = name.lastIndexOf(':')
  return colon < 0 ? { host: name, port: null } : { host: name.slice(0, colon), port: name.slice(colon + 1) }
}

/**
 * Tells whether a signed server name is one of a server's names. An accepted name without a
 * port matches that host on any port; with a port, only that port.
 *
 * @param name - the name from a credential
 * @param accepted - the server's names, e.g. `['play.example', 'localhost', '127.0.0.1:3000']`
 * @returns `true` when it matches one of them (case-insensitive)
 * @example
 * ```ts
 * matchesServerName('localhost:3000', ['localhost']) // true
 * ```
 */
export function matchesServerName(name: string, accepted: readonly string[]): boolean {
  const given = splitHost(name.toLowerCase())
  for (const entry of accepted) {
    const want = splitHost(entry.toLowerCase())
    if (want.host === given.host && (want.port === null || want.port === given.port)) return true
  }
  return false
}

/** The names a server accepts when none are configured: loopback only, on any port. */
export const LOOPBACK_SERVER_NAMES: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '[::1]'])
