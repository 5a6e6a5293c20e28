import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { createMonitorRoute } from '../monitor/monitor-route.js'
import type { Telemetry } from './telemetry.js'

type Handler = (request: IncomingMessage, response: ServerResponse) => void

/** Where the Prometheus metrics are served. */
export const METRICS_PATH = '/metrics'

/**
 * Serves `GET /metrics` (Prometheus text format) when the telemetry has a registry and `GET /monitor…` when
 * its monitor is on, ahead of the app's handler; every other request goes to `next` (or gets 426 Upgrade
 * Required).
 *
 * @param telemetry - the server's telemetry
 * @param next - the app's handler
 * @param log - for failures
 * @returns the HTTP handler
 */
export function withTelemetryRoutes(
  telemetry: Telemetry,
  next: Handler | undefined,
  log: Logger,
): Handler {
  const monitor = telemetry.monitor ? createMonitorRoute(telemetry) : null
  const registry = telemetry.registry
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    const read = request.method === 'GET' || request.method === 'HEAD'
    if (read && registry !== null && path === METRICS_PATH) {
      registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' })
          response.end(request.method === 'HEAD' ? undefined : text)
        },
        (error: unknown) => {
          log.error({ err: error }, 'metrics failed')
          response.writeHead(500, { 'content-type': 'text/plain' })
          response.end('metrics unavailable')
        },
      )
      return
    }
    if (read && monitor?.(request, response, path) === true) return
    if (next !== undefined) {
      next(request, response)
      return
    }
    response.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
    response.end('Upgrade Required: connect with a WebSocket client')
  }
}
