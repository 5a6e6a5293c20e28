import { type ChildProcess, fork } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ReplicaSnapshot } from '@orrery/demo-client/bots'
import type { BotSummary } from './bot-summary.js'
import type { ProbeSamples } from './probe/honest-probe.js'

const HERE = dirname(fileURLToPath(import.meta.url))

/** Options of {@link forkBots}. */
export interface ForkBotsOptions {
  /** The server's WebSocket URL. */
  readonly url: string
  /** Number of bots. */
  readonly count: number
  /** Name prefix of the bots. Default 'bot-'. */
  readonly namePrefix?: string
  /** Folder of the bots' identity files: bots started again with it are the same players. Default: fresh guest keys. */
  readonly identityDir?: string
  /** How often the bot process reports, ms. Default 1 000. */
  readonly reportMs?: number
  /** Whether the bots predict their own circles (default true). */
  readonly prediction?: boolean
  /** Simulated network between the bots and the server (default: none). */
  readonly network?: { readonly latencyMs: number; readonly jitterMs: number; readonly lossPct: number }
  /** Where the bot process's output goes; default: the launcher's stderr. */
  readonly output?: NodeJS.WritableStream
  /** Honest probes (a key of their own, an area, a Ping every 100 ms) the bot process runs besides the bots. Default 0. */
  readonly probes?: number
  /** Chaos mode: quick half-open detection and counted reducer calls. Default false. */
  readonly chaos?: boolean
}

/** A running bot process. */
export interface BotProcess {
  /** The child process. */
  readonly child: ChildProcess
  /** Resolves when every bot has started (or failed to). */
  readonly ready: Promise<BotSummary>
  /** The latest report, or null before the first. */
  latest(): BotSummary | null
  /** What the probes measured since the last call (as reported so far, once a second). */
  takeProbeSamples(): ProbeSamples
  /** Stops the bots' steering and input (their connections stay up); resolves once done. */
  quiesce(): Promise<void>
  /** Each bot's replica now. */
  snapshots(): Promise<ReplicaSnapshot[]>
  /**
   * Stops the bots (they disconnect) and resolves with their stats taken just before.
   * @param timeoutMs - after this, the process is killed and the latest report is returned. Default 5 000.
   */
  stop(timeoutMs?: number): Promise<BotSummary | null>
}

/**
 * Runs bots in a separate Node process (same source conditions and TypeScript loader as this one), so
 * they load the server like remote players, and collects their reports.
 *
 * @param options - URL, count and reporting, see {@link ForkBotsOptions}
 * @returns the running process
 * @throws Error when the bot process exits before it is ready (`ready` rejects)
 * @example
 * const bots = forkBots({ url: 'ws://127.0.0.1:3000', count: 8 })
 * await bots.ready
 * const summary = await bots.stop()
 */
export function forkBots(options: ForkBotsOptions): BotProcess {
  const child = fork(
    join(HERE, 'bot-process.ts'),
    [
      '--url',
      options.url,
      '--count',
      String(options.count),
      '--prefix',
      options.namePrefix ?? 'bot-',
      '--report-ms',
      String(options.reportMs ?? 1000),
      ...(options.identityDir === undefined ? [] : ['--identity-dir', options.identityDir]),
      '--latency',
      String(options.network?.latencyMs ?? 0),
      '--jitter',
      String(options.network?.jitterMs ?? 0),
      '--loss',
      String(options.network?.lossPct ?? 0),
      ...(options.prediction === false ? ['--no-prediction'] : []),
      '--probes',
      String(options.probes ?? 0),
      ...(options.chaos === true ? ['--chaos'] : []),
    ],
    {
      cwd: resolve(HERE, '..'),
      execArgv: ['--conditions=@orrery/source', '--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  )
  const output = options.output ?? process.stderr
  child.stdout?.pipe(output, { end: false })
  child.stderr?.pipe(output, { end: false })
  let latest: BotSummary | null = null
  let probe: ProbeSamples = { rttMs: [], updateGapMs: [], bytesReceived: 0, disconnects: 0 }
  let onStopped: ((summary: BotSummary | null) => void) | null = null
  let resolveReady: (summary: BotSummary) => void = () => undefined
  let rejectReady: (error: Error) => void = () => undefined
  const ready = new Promise<BotSummary>((res, rej) => {
    resolveReady = res
    rejectReady = rej
  })
  const replies = new Map<string, ((message: unknown) => void)[]>()
  const ask = <T>(type: string, reply: string): Promise<T> =>
    new Promise<T>((res) => {
      const waiting = replies.get(reply) ?? []
      waiting.push(res as (message: unknown) => void)
      replies.set(reply, waiting)
      if (child.connected) child.send({ type })
    })
  child.on('message', (message: unknown) => {
    if (typeof message !== 'object' || message === null) return
    const m = message as { type?: unknown; summary?: BotSummary; probe?: ProbeSamples }
    if (m.probe !== undefined) {
      probe.rttMs.push(...m.probe.rttMs)
      probe.updateGapMs.push(...m.probe.updateGapMs)
      probe = {
        ...probe,
        bytesReceived: probe.bytesReceived + m.probe.bytesReceived,
        disconnects: probe.disconnects + m.probe.disconnects,
        clientLoopDelayP99Ms: Math.max(probe.clientLoopDelayP99Ms ?? 0, m.probe.clientLoopDelayP99Ms ?? 0),
      }
    }
    if (typeof m.type === 'string' && replies.has(m.type)) {
      const waiting = replies.get(m.type) ?? []
      replies.delete(m.type)
      for (const res of waiting) res(message)
    }
    if (m.summary === undefined) return
    latest = m.summary
    if (m.type === 'ready') resolveReady(m.summary)
    if (m.type === 'stopped') onStopped?.(m.summary)
  })
  const exited = new Promise<void>((res) => {
    child.on('exit', (code) => {
      rejectReady(new Error(`the bot process exited (code ${code}) before it was ready`))
      onStopped?.(latest)
      res()
    })
  })
  return {
    child,
    ready,
    latest: () => latest,
    takeProbeSamples: () => {
      const out = probe
      probe = { rttMs: [], updateGapMs: [], bytesReceived: 0, disconnects: 0 }
      return out
    },
    quiesce: async () => {
      await ask('quiesce', 'quiesced')
    },
    snapshots: async () => (await ask<{ snapshots: ReplicaSnapshot[] }>('snapshot', 'snapshots')).snapshots,
    stop: async (timeoutMs = 5000) => {
      if (child.exitCode !== null || child.signalCode !== null) return latest
      const stopped = new Promise<BotSummary | null>((res) => {
        onStopped = res
      })
      if (child.connected) child.send({ type: 'stop' })
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<BotSummary | null>((res) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL')
          res(latest)
        }, timeoutMs)
      })
      const summary = await Promise.race([stopped, timeout])
      await Promise.race([exited, timeout])
      clearTimeout(timer)
      return summary
    },
  }
}
