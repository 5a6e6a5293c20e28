import type { Registry } from 'prom-client'
import * as v from 'valibot'

/**
 * Prometheus metrics of a server (the `metrics` option of `createServer`), served at `GET /metrics` on the
 * server's HTTP port.
 *
 * @example
 * ```ts
 * import { collectDefaultMetrics, Registry } from 'prom-client'
 * const registry = new Registry()
 * collectDefaultMetrics({ register: registry }) // process CPU, memory, event loop lag
 * const options: MetricsOptions = { registry, prefix: 'game_' }
 * ```
 */
export interface MetricsOptions {
  /** The prom-client registry to register the server's metrics in (and to serve). Default: a new one. */
  readonly registry?: Registry | undefined
  /** Prefix of every metric name. Default 'orrery_'. */
  readonly prefix?: string | undefined
}

/** Checks the `metrics` option: true, false or {@link MetricsOptions}. */
export const metricsOptionSchema = v.optional(
  v.union([
    v.boolean(),
    v.strictObject({
      registry: v.optional(
        v.custom<Registry>(
          (x) => typeof x === 'object' && x !== null && typeof (x as Registry).metrics === 'function' && typeof (x as Registry).registerMetric === 'function',
          'Invalid registry: Expected a prom-client Registry',
        ),
      ),
      prefix: v.optional(v.pipe(v.string(), v.regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'Invalid prefix: Expected a Prometheus metric name prefix'))),
    }),
  ]),
)

/** Checks the `monitor` option. */
export const monitorOptionSchema = v.optional(v.boolean())
