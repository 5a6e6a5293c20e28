// A load-test worker process: runs its share of the clients and sends snapshots to the load test over IPC.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { ClientMeter } from './client-meter.js'
import type { FromWorker, ToWorker, WorkerSnapshot } from './protocol.js'
import { type LoadClient, type LoadScript, loadScript } from './script.js'

interface Slot {
  readonly meter: ClientMeter
  state: 'waiting' | 'starting' | 'connected' | 'failed'
  client: LoadClient | null
}

const slots: Slot[] = []
const timers: ReturnType<typeof setTimeout>[] = []
let rttMs: number[] = []
let connectMs: number[] = []
const startErrors = new Map<string, number>()
const loop = monitorEventLoopDelay({ resolution: 10 })
loop.enable()
let cpu = { at: performance.now(), usage: process.cpuUsage() }

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message)
}

function snapshot(): WorkerSnapshot {
  const errors: Record<string, number> = Object.fromEntries(startErrors)
  let open = 0
  let reconnects = 0
  for (const { meter } of slots) {
    open += meter.open
    reconnects += Math.max(0, meter.sockets - 1)
    for (const [code, n] of meter.errors) errors[code] = (errors[code] ?? 0) + n
  }
  const count = (state: Slot['state']): number => slots.filter((s) => s.state === state).length
  const taken = { rttMs, connectMs }
  rttMs = []
  connectMs = []
  const loopDelayP99Ms = Math.round(loop.percentile(99) / 1e4) / 100
  loop.reset()
  const now = { at: performance.now(), usage: process.cpuUsage() }
  const usedMs = (now.usage.user - cpu.usage.user + now.usage.system - cpu.usage.system) / 1000
  const cpuPct = Math.round((100 * usedMs) / Math.max(1, now.at - cpu.at))
  cpu = now
  return {
    starting: count('waiting') + count('starting'),
    connected: count('connected'),
    failed: count('failed'),
    open,
    reconnects,
    bytesIn: slots.map((s) => s.meter.bytesIn),
    bytesOut: slots.map((s) => s.meter.bytesOut),
    errors,
    ...taken,
    loopDelayP99Ms,
    cpuPct,
  }
}

type Task = Extract<ToWorker, { type: 'run' }>
let prepared: { task: Task; script: LoadScript } | null = null

async function prepare(task: Task): Promise<void> {
  prepared = { task, script: await loadScript(task.script, process.cwd()) }
  send({ type: 'ready' })
}

function run(startAt: number): void {
  if (prepared === null) throw new Error("'go' before 'run'")
  const { task, script } = prepared
  loop.reset() // the delay and CPU of loading the script are not the load's
  cpu = { at: performance.now(), usage: process.cpuUsage() }
  for (let i = 0; i < task.count; i++) {
    const index = task.first + i
    const slot: Slot = { meter: new ClientMeter(), state: 'waiting', client: null }
    slots.push(slot)
    const at = startAt + (task.total > 1 ? (task.rampMs * index) / (task.total - 1) : 0)
    timers.push(
      setTimeout(() => {
        if (stopping) return
        slot.state = 'starting'
        const started = performance.now()
        script.start({ url: task.url, index, name: `load-${index + 1}`, WebSocket: slot.meter.WebSocket }).then(
          (client) => {
            connectMs.push(performance.now() - started)
            slot.client = client
            slot.state = 'connected'
            if (stopping) void stopClient(slot)
          },
          (error: unknown) => {
            slot.state = 'failed'
            const code = (error as { code?: unknown } | null)?.code
            const key = `start:${typeof code === 'string' ? code : error instanceof Error ? error.name : 'Error'}`
            startErrors.set(key, (startErrors.get(key) ?? 0) + 1)
          },
        )
      }, Math.max(0, at - Date.now())),
    )
  }
  const sample = setInterval(() => {
    for (const slot of slots) {
      const rtt = slot.state === 'connected' && slot.meter.open > 0 ? slot.client?.rttMs() : null
      if (typeof rtt === 'number') rttMs.push(rtt)
    }
  }, 1000)
  const report = setInterval(() => send({ type: 'snapshot', snapshot: snapshot() }), task.reportMs)
  timers.push(sample, report)
}

let stopping = false

async function stopClient(slot: Slot): Promise<void> {
  slot.meter.stopping = true
  await slot.client?.stop()
}

async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  for (const timer of timers) clearTimeout(timer)
  for (const slot of slots) slot.meter.stopping = true
  // Taken before the clients close: bytes and open sockets as they were at the end of the run.
  const final = snapshot()
  await Promise.allSettled(slots.map((slot) => stopClient(slot)))
  if (!process.connected) process.exit(0)
  process.send?.({ type: 'stopped', snapshot: final } satisfies FromWorker, () => process.exit(0))
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'run') {
    prepare(message).catch((error: unknown) => {
      process.stderr.write(`loadtest worker: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exit(1)
    })
  } else if (message.type === 'go') {
    run(message.startAt)
  } else if (message.type === 'stop') {
    void stop()
  }
})
// The load test went away: stop the clients and leave.
process.on('disconnect', () => {
  setTimeout(() => process.exit(0), 2000).unref()
  void stop().finally(() => process.exit(0))
})
