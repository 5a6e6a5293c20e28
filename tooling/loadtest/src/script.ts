import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { WebSocket } from 'ws'

/** A WebSocket class (the `ws` one, instrumented by the load test): pass it to `connect({ WebSocket })`. */
export type LoadWebSocketClass = new (url: string | URL, protocols?: string | string[]) => WebSocket

/** What a load-test script gets for each client it starts. */
export interface LoadClientContext {
  /** The server's WebSocket URL, as given with `--url`. */
  readonly url: string
  /** The client's number, 0 to `--clients` − 1, over all worker processes. */
  readonly index: number
  /** A name for the client: `load-<index + 1>`. */
  readonly name: string
  /**
   * The WebSocket class the client must connect with: it counts the bytes in and out and the close codes of
   * every socket the client opens (reconnects included) for the report.
   */
  readonly WebSocket: LoadWebSocketClass
}

/** One running client of a script. */
export interface LoadClient {
  /** The client's round-trip time now, ms (e.g. `client.connection.rttMs`), or null while unknown. Sampled once a second. */
  rttMs(): number | null
  /** Stops the client and closes its connection (with 1000: not an error). */
  stop(): Promise<void>
}

/**
 * A load-test script: what each client does. A script file (`--script FILE`, TypeScript or JavaScript)
 * default-exports one, or exports its `start` function.
 *
 * @example
 * ```ts
 * // counter-load.ts: every client calls `increment` twice a second
 * import { connect } from '@orrery/client'
 * import type { LoadScript } from '@orrery/loadtest'
 * import { components, reducers } from './schema.js'
 *
 * const script: LoadScript = {
 *   async start({ url, WebSocket }) {
 *     const client = await connect({ url, components, reducers, WebSocket })
 *     const timer = setInterval(() => void client.reducers.increment({}).catch(() => {}), 500)
 *     return {
 *       rttMs: () => client.connection.rttMs,
 *       stop: async () => { clearInterval(timer); await client.disconnect() },
 *     }
 *   },
 * }
 * export default script
 * ```
 */
export interface LoadScript {
  /**
   * Starts one client: connects with `context.WebSocket` and begins its behaviour.
   * @returns once the client is connected (its time to here is the report's `connectMs`)
   * @throws anything: the client counts as failed, under the error's `code` (or its name)
   */
  start(context: LoadClientContext): Promise<LoadClient>
}

/** The script used without `--script`: the Blackholio demo's bot. */
export const DEFAULT_SCRIPT = new URL('./demo-bot.ts', import.meta.url).href

/**
 * Loads a script file.
 * @param location - a file path (relative to `cwd`) or a file: URL
 * @param cwd - the folder relative paths start from
 * @returns its script
 * @throws Error when the file exports neither a default script nor a `start` function
 */
export async function loadScript(location: string, cwd: string): Promise<LoadScript> {
  const url = location.startsWith('file:') ? location : pathToFileURL(resolve(cwd, location)).href
  const module = (await import(url)) as { default?: Partial<LoadScript>; start?: LoadScript['start'] }
  const start = module.default?.start ?? module.start
  if (typeof start !== 'function') throw new Error(`${location}: export a default { start(context) } script or a start function`)
  return { start: start.bind(module.default ?? module) }
}
