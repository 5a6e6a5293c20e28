import type { IncomingMessage, ServerResponse } from 'node:http'
import sirv from 'sirv'

/**
 * The Content-Security-Policy of the web client: its own scripts only, no plugins, no framing, WebSockets to
 * its own origin ('self' covers ws:/wss: of the page's host); inline styles for the page's one style block.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * The policy of the behaviour editor page: the same, plus `'wasm-unsafe-eval'`, which lets it compile the
 * sandbox's WebAssembly (QuickJS) for dry runs; it allows WebAssembly only, never `eval` of script.
 */
export const EDITOR_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")

/** Headers of every response of the static handler, files and errors alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  response.end(text)
}

/**
 * Builds an HTTP handler that serves the files of one directory (the built web client) through `sirv`:
 * GET and HEAD only, `/` serves `index.html`, paths cannot leave the directory, no dotfiles, no source
 * maps (`.map` is 404 even when a development build left some), hashed assets cached for a year and the
 * rest revalidated; every response carries {@link SECURITY_HEADERS} (nosniff, a CSP, no framing).
 *
 * @param root - the directory to serve (absolute or relative to the working directory); its files are listed once, now
 * @returns a `(request, response)` handler for `createServer({ httpHandler })`
 * @example
 * createServer({ module, port: 3000, httpHandler: createStaticHandler('apps/demo-client/dist') })
 * @see https://github.com/lukeed/sirv
 */
export function createStaticHandler(root: string): (request: IncomingMessage, response: ServerResponse) => void {
  const serve = sirv(root, {
    dev: false,
    etag: true,
    dotfiles: false,
    setHeaders(response, pathname) {
      response.setHeader('cache-control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
    },
  })
  return (request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD')
      send(response, 405, 'method not allowed')
      return
    }
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    if (/^\/editor(\.html)?$/.test(path)) response.setHeader('content-security-policy', EDITOR_CONTENT_SECURITY_POLICY)
    if (/\.map$/i.test(path)) {
      send(response, 404, 'not found')
      return
    }
    serve(request, response, () => send(response, 404, 'not found'))
  }
}
