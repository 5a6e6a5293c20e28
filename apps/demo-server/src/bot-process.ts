// The bot process: runs a group of bots against a server and reports to the launcher over IPC.
// Messages to the parent: { type: 'ready' | 'stats' | 'stopped', summary }, { type: 'quiesced' },
// { type: 'snapshots', snapshots }. From the parent: { type: 'stop' | 'quiesce' | 'snapshot' }.
import { parseArgs } from 'node:util'
import { laggedWebSocket, runBots, type WebSocketClass } from '@orrery/demo-client/bots'
import WebSocket from 'ws'
import { summarizeBots } from './bot-summary.js'
import { startEventLoopMonitor } from './probe/event-loop-delay.js'
import { HonestProbe, type ProbeSamples } from './probe/honest-probe.js'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    count: { type: 'string', default: '8' },
    prefix: { type: 'string', default: 'bot-' },
    'report-ms': { type: 'string', default: '1000' },
    'no-prediction': { type: 'boolean', default: false },
    latency: { type: 'string', default: '0' },
    jitter: { type: 'string', default: '0' },
    loss: { type: 'string', default: '0' },
    'identity-dir': { type: 'string' },
    probes: { type: 'string', default: '0' },
    chaos: { type: 'boolean', default: false },
  },
})

const probes: HonestProbe[] = []
const loop = startEventLoopMonitor()

/** The probes' samples since the last report, merged. */
function drainProbes(): ProbeSamples {
  const rttMs: number[] = []
  const updateGapMs: number[] = []
  let bytesReceived = 0
  let disconnects = 0
  for (const probe of probes) {
    const s = probe.drain()
    rttMs.push(...s.rttMs)
    updateGapMs.push(...s.updateGapMs)
    bytesReceived += s.bytesReceived
    disconnects += s.disconnects
  }
  const clientLoopDelayP99Ms = loop.summary().p99Ms
  loop.reset()
  return { rttMs, updateGapMs, bytesReceived, disconnects, clientLoopDelayP99Ms }
}

function report(type: 'ready' | 'stats' | 'stopped', summary: ReturnType<typeof summarizeBots>): void {
  if (process.send !== undefined && process.connected) process.send({ type, summary, probe: drainProbes() })
}

/** Time the bots get to disconnect once the launcher is gone, ms; then the process exits regardless. */
const ORPHAN_EXIT_MS = 2_000

/**
 * Exits with the launcher: when its IPC channel closes (it exited, crashed or was killed) or this process
 * was re-parented (the launcher died without closing the channel), the bots disconnect and the process
 * exits, at the latest after {@link ORPHAN_EXIT_MS}.
 */
function exitWithParent(stop: () => Promise<void>): void {
  let done = false
  const parent = process.ppid
  const orphaned = (): void => {
    if (done) return
    done = true
    setTimeout(() => process.exit(0), ORPHAN_EXIT_MS).unref()
    stop().finally(() => process.exit(0))
  }
  process.on('disconnect', orphaned)
  const watch = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(watch)
      orphaned()
    }
  }, 1000)
  watch.unref()
}

/** Stops the bots once they run; before that, there is nothing to stop. */
let stopBots: () => Promise<void> = async () => undefined

async function main(): Promise<void> {
  // Installed first: the launcher may die while the bots are still connecting.
  exitWithParent(() => stopBots())
  if (values.url === undefined) throw new Error('--url is required')
  const network = { latencyMs: Number(values.latency), jitterMs: Number(values.jitter), lossPct: Number(values.loss) }
  const simulated = network.latencyMs > 0 || network.jitterMs > 0 || network.lossPct > 0
  const identityDir = values['identity-dir']
  const url = values.url
  for (let i = 0; i < Number(values.probes); i++) {
    const probe = new HonestProbe(url)
    probes.push(probe)
    probe.start().catch((error: unknown) => process.stderr.write(`probe: ${error instanceof Error ? error.message : String(error)}\n`))
  }
  const group = await runBots({
    url: values.url,
    count: Number(values.count),
    namePrefix: values.prefix,
    ...(identityDir === undefined ? {} : { identityDir }),
    bot: {
      prediction: !values['no-prediction'],
      // Under --chaos, stalled sockets are found within 2 s, and every call sent is counted.
      ...(values.chaos ? { pingIntervalMs: 500, heartbeatTimeoutMs: 2_000, countCalls: true } : {}),
      WebSocket: simulated
        ? laggedWebSocket(WebSocket as unknown as WebSocketClass, network)
        : (WebSocket as unknown as WebSocketClass),
    },
  })
  report('ready', summarizeBots(group.stats(), group.failures))
  const timer = setInterval(() => report('stats', summarizeBots(group.stats(), group.failures)), Number(values['report-ms']))
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    clearInterval(timer)
    const before = summarizeBots(group.stats(), group.failures)
    for (const probe of probes) probe.stop()
    await group.stop()
    report('stopped', before)
    if (process.connected) process.disconnect?.()
  }
  process.on('message', (message: unknown) => {
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined
    if (type === 'stop') void stop()
    if (type === 'quiesce') {
      for (const bot of group.bots) bot.quiesce()
      process.send?.({ type: 'quiesced' })
    }
    if (type === 'snapshot') process.send?.({ type: 'snapshots', snapshots: group.bots.map((bot) => bot.replicaSnapshot()) })
  })
  stopBots = stop
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  process.stderr.write(`bots: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
