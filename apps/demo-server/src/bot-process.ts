// The bot process: runs a group of bots against a server and reports to the launcher over IPC.
// Messages to the parent: { type: 'ready' | 'stats' | 'stopped', summary }, { type: 'quiesced' },
// { type: 'snapshots', snapshots }. From the parent: { type: 'stop' | 'quiesce' | 'snapshot' }.
import { parseArgs } from 'node:util'
import { laggedWebSocket, runBots, type WebSocketClass } from '@orrery/demo-client/bots'
import WebSocket from 'ws'
import { summarizeBots } from './bot-summary.js'

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
    chaos: { type: 'boolean', default: false },
  },
})

function report(type: 'ready' | 'stats' | 'stopped', summary: ReturnType<typeof summarizeBots>): void {
  if (process.send !== undefined) process.send({ type, summary })
}

async function main(): Promise<void> {
  if (values.url === undefined) throw new Error('--url is required')
  const network = { latencyMs: Number(values.latency), jitterMs: Number(values.jitter), lossPct: Number(values.loss) }
  const simulated = network.latencyMs > 0 || network.jitterMs > 0 || network.lossPct > 0
  const identityDir = values['identity-dir']
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
    await group.stop()
    report('stopped', before)
    process.disconnect?.()
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
  process.on('disconnect', () => void stop())
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  process.stderr.write(`bots: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
