import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'

/** Where the JWKS document is served. */
export const JWKS_PATH = '/.well-known/jwks.json'

type Handler = (request: IncomingMessage, response: ServerResponse) => void

/**
 * Serves `GET /.well-known/jwks.json` from the authenticator's `jwks()` and passes every other
 * request to `next` (the app's handler or the 426 answer).
 *
 * @param jwks - the authenticator's key set source
 * @param next - the handler of every other request, or undefined for 426 Upgrade Required
 * @param log - for failures
 * @returns the HTTP handler
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5 (JWK Set)
 */
export function withJwksRoute(jwks: () => unknown, next: Handler | undefined, log: Logger): Handler {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (path === JWKS_PATH && (request.method === 'GET' || request.method === 'HEAD')) {
      Promise.resolve()
        .then(jwks)
        .then((set) => {
          const body = JSON.stringify(set)
          response.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' })
          response.end(request.method === 'HEAD' ? undefined : body)
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'jwks failed')
          response.writeHead(500, { 'content-type': 'text/plain' })
          response.end('key set unavailable')
        })
      return
    }
    if (next !== undefined) {
      next(request, response)
      return
    }
    response.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
    response.end('Upgrade Required: connect with a WebSocket client')
  }
}
