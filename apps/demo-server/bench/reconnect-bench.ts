import { connect, type OrreryClient } from '@orrery/client'
import { runBots } from '@orrery/demo-client/bots'
import { cameraSize, liveComponents, reducers, viewArea, WORLD_SIZE } from '@orrery/demo-shared'
import { generateIdentity, LOOPBACK_SERVER_NAMES } from '@orrery/auth'
import { createKeyAuthenticator, createServer, type OrreryServer } from '@orrery/server'
import { createFaultProxy } from '@orrery/tooling-chaos'
import { createBlackholioModule } from '../src/module.js'

/** One measured configuration. */
export interface ReconnectScenario {
  /** Added round-trip time, ms (the proxy delays each direction by half). */
  readonly rttMs: number
  /** Whether the server keeps sessions for a resume (false: every reconnect is a fresh session and a full re-sync). */
  readonly resume: boolean
  /** Cuts to measure. */
  readonly cuts: number
  /** Bots moving the world meanwhile. Default 2. */
  readonly bots?: number
}

/** What one configuration measured. */
export interface ReconnectResult extends ReconnectScenario {
  /** Time from a cut to a consistent replica, ms: median, 99th percentile, largest. */
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  /** Bytes the client received from a cut to a consistent replica (handshake included): median. */
  readonly bytesP50: number
  /** Of those, the bytes after Welcome (the replayed frames, or the fresh rows): median. */
  readonly payloadBytesP50: number
  /** Reconnects the server resumed, and fresh sessions. */
  readonly resumed: number
  readonly fresh: number
}

/**
 * Measures reconnects of one client of the Blackholio world through the fault proxy: each cut drops its
 * link, and the time runs until the client says its replica is consistent again (`onReconnect`: the
 * replayed frames applied, or the fresh rows diffed in and the stale ones deleted).
 * Bots (two by default) keep the world moving. The client's reconnect policy treats every cut as the first drop of a
 * stable connection (an immediate retry): the cuts are measured one by one, not as a flapping network.
 *
 * @param scenario - RTT, resume on or off, number of cuts
 * @returns the figures
 */
export async function measureReconnects(scenario: ReconnectScenario): Promise<ReconnectResult> {
  const authenticator = createKeyAuthenticator({ serverNames: [...LOOPBACK_SERVER_NAMES] })
  await authenticator.ready()
  const server: OrreryServer = createServer({
    module: createBlackholioModule(),
    authenticator,
    logger: false,
    seed: 1,
    autoStart: false,
    limits: { handshakesPerIp: 100_000, handshakesPerIdentity: 100_000 },
    resume: scenario.resume ? {} : { graceMs: 0 },
  })
  const { port } = await server.listen()
  const ticker = setInterval(() => server.step(), 50)
  const proxy = await createFaultProxy({ targetPort: port, delayMs: scenario.rttMs / 2 })
  const url = `ws://127.0.0.1:${proxy.port}`
  const bots = await runBots({ url: `ws://127.0.0.1:${port}`, count: scenario.bots ?? 2, bot: { prediction: false } })
  if (bots.failures.length > 0) throw new Error(`bots failed: ${bots.failures.join('; ')}`)
  let client: OrreryClient<typeof liveComponents, typeof reducers> | null = null
  const times: number[] = []
  const bytes: number[] = []
  const payload: number[] = []
  let resumed = 0
  let fresh = 0
  try {
    client = await connect({
      url,
      components: liveComponents,
      reducers,
      identity: generateIdentity(),
      reconnect: { stableAfterMs: 0 },
      subscribe: [
        { components: ['Body', 'Circle', 'Food'], area: viewArea(WORLD_SIZE / 2, WORLD_SIZE / 2, cameraSize(0, 0)) },
        { components: ['Player', 'LeaderboardEntry'] },
      ],
    })
    const c = client
    await c.reducers.enterGame({ name: 'bench' })
    for (let cut = 0; cut < scenario.cuts; cut++) {
      await sleep(20 + Math.random() * 60)
      const before = c.connection.stats.bytesReceived
      let atWelcome = before
      const onWelcome = (): void => {
        atWelcome = c.connection.stats.bytesReceived
      }
      c.connection.on('welcome', onWelcome)
      const back = new Promise<boolean>((resolve) => {
        const off = c.onReconnect(({ resumed: r }) => {
          off()
          resolve(r)
        })
      })
      const started = performance.now()
      proxy.cutAll()
      // onReconnect fires once the replica is consistent: the replayed frames applied, or the fresh rows diffed in.
      const wasResumed = await back
      times.push(performance.now() - started)
      c.connection.off('welcome', onWelcome)
      bytes.push(c.connection.stats.bytesReceived - before)
      payload.push(c.connection.stats.bytesReceived - atWelcome)
      if (wasResumed) resumed++
      else fresh++
    }
  } finally {
    clearInterval(ticker)
    await client?.disconnect()
    await bots.stop()
    await proxy.close()
    await server.close()
  }
  const sorted = [...times].sort((a, b) => a - b)
  return {
    ...scenario,
    p50Ms: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
    bytesP50: Math.round(quantile([...bytes].sort((a, b) => a - b), 0.5)),
    payloadBytesP50: Math.round(quantile([...payload].sort((a, b) => a - b), 0.5)),
    resumed,
    fresh,
  }
}

function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number
}

function round(x: number): number {
  return Math.round(x * 10) / 10
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
