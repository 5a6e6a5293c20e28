import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Telemetry } from '../metrics/telemetry.js'
import { readMonitorData } from './monitor-data.js'

/** Where the monitor page is served. */
export const MONITOR_PATH = '/monitor'

// From src/monitor/ and from dist/monitor/ alike: the page's files ship in the package's src folder.
const ASSETS = new URL('../../src/monitor/assets/', import.meta.url)
const require = createRequire(import.meta.url)

/** The monitor's static files: path → [content type, file]. */
const FILES: ReadonlyMap<string, readonly [string, () => string]> = new Map([
  ['/monitor', ['text/html; charset=utf-8', () => fileURLToPath(new URL('index.html', ASSETS))]],
  ['/monitor/', ['text/html; charset=utf-8', () => fileURLToPath(new URL('index.html', ASSETS))]],
  ['/monitor/monitor.js', ['text/javascript; charset=utf-8', () => fileURLToPath(new URL('monitor.js', ASSETS))]],
  ['/monitor/uplot.js', ['text/javascript; charset=utf-8', () => require.resolve('uplot/dist/uPlot.esm.js')]],
  ['/monitor/uplot.css', ['text/css; charset=utf-8', () => require.resolve('uplot/dist/uPlot.min.css')]],
])

/**
 * The monitor's HTTP route: the page (`/monitor`), its module and uPlot's files (read once, kept in memory),
 * and the data it polls (`/monitor/data`, JSON, see {@link readMonitorData}).
 *
 * @param telemetry - the server's telemetry
 * @returns a handler that answers the monitor's paths and returns true, or returns false for any other path
 */
export function createMonitorRoute(telemetry: Telemetry): (request: IncomingMessage, response: ServerResponse, path: string) => boolean {
  const cache = new Map<string, Promise<Buffer>>()
  return (request, response, path) => {
    if (path === `${MONITOR_PATH}/data`) {
      const body = JSON.stringify(readMonitorData(telemetry))
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      response.end(request.method === 'HEAD' ? undefined : body)
      return true
    }
    const file = FILES.get(path)
    if (file === undefined) return false
    const [type, locate] = file
    let content = cache.get(path)
    if (content === undefined) {
      content = readFile(locate())
      cache.set(path, content)
    }
    content.then(
      (bytes) => {
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' })
        response.end(request.method === 'HEAD' ? undefined : bytes)
      },
      () => {
        cache.delete(path)
        response.writeHead(500, { 'content-type': 'text/plain' })
        response.end('monitor file unavailable')
      },
    )
    return true
  }
}
