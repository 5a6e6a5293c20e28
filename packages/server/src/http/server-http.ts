import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { Authenticator } from '../authenticator.js'
import { withTelemetryRoutes } from '../metrics/telemetry-routes.js'
import type { Telemetry } from '../metrics/telemetry.js'
import { withJwksRoute } from './jwks-route.js'

type Handler = (request: IncomingMessage, response: ServerResponse) => void

/**
 * The server's HTTP handler: the telemetry routes (`/metrics`, `/monitor`) when telemetry is on, the JWKS
 * route when the authenticator publishes keys, then the app's handler (undefined: 426 Upgrade Required).
 *
 * @param app - the app's handler of other requests, or undefined
 * @param telemetry - the server's telemetry, or null when off
 * @param authenticator - the server's authenticator
 * @param log - for failures
 * @returns the handler, or undefined when there is nothing to serve
 */
export function serverHttpHandler(app: Handler | undefined, telemetry: Telemetry | null, authenticator: Authenticator, log: Logger): Handler | undefined {
  const routed = telemetry === null ? app : withTelemetryRoutes(telemetry, app, log)
  if (authenticator.jwks === undefined) return routed
  return withJwksRoute(() => authenticator.jwks?.(), routed, log)
}
