import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, resolve, sep } from 'node:path'

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  response.end(text)
}

/**
 * Builds an HTTP handler that serves the files of one directory (the built web client): GET and HEAD only,
 * `/` serves `index.html`, paths cannot leave the directory, hashed assets are cached for a year.
 *
 * @param root - the directory to serve (absolute or relative to the working directory)
 * @returns a `(request, response)` handler for `createServer({ httpHandler })`
 * @example
 * createServer({ module, port: 3000, httpHandler: createStaticHandler('apps/demo-client/dist') })
 */
export function createStaticHandler(root: string): (request: IncomingMessage, response: ServerResponse) => void {
  const base = resolve(root)
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD')
      send(response, 405, 'method not allowed')
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
    } catch {
      send(response, 400, 'bad request')
      return
    }
    if (pathname.includes('\0')) {
      send(response, 400, 'bad request')
      return
    }
    const file = resolve(base, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`)
    if (file !== base && !file.startsWith(base + sep)) {
      send(response, 403, 'forbidden')
      return
    }
    stat(file).then(
      (info) => {
        if (!info.isFile()) {
          send(response, 404, 'not found')
          return
        }
        const hashed = file.startsWith(`${base}${sep}assets${sep}`)
        response.writeHead(200, {
          'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'content-length': info.size,
          'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        })
        if (request.method === 'HEAD') {
          response.end()
          return
        }
        const stream = createReadStream(file)
        stream.on('error', () => response.destroy())
        stream.pipe(response)
      },
      () => send(response, 404, 'not found'),
    )
  }
}
