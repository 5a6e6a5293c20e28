// The worker thread of a BehaviorPool: one QuickJS module, one Sandbox per agent, calls run in order.
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import type { CallOutcome } from './call-outcome.js'
import { loadQuickJS, Sandbox } from './sandbox.js'
import type { AgentCall, FromWorker, ToWorker, ViewBuilder, WorkerSetup } from './worker-protocol.js'

const port = parentPort
if (port === null) throw new Error('sandbox-worker runs in a worker thread')
const setup = (workerData ?? { viewModule: null, nice: 0 }) as WorkerSetup
// On Linux a thread has its own nice value: with a higher one, the tick thread gets the CPU first when cores are scarce.
if (setup.nice !== 0) {
  try {
    setPriority(setup.nice)
  } catch {}
}
const module = await loadQuickJS()
const buildView: ViewBuilder | null =
  setup.viewModule === null ? null : ((await import(setup.viewModule)) as { buildView: ViewBuilder }).buildView
warmUp()
const sandboxes = new Map<string, Sandbox>()
const failedLoads = new Map<string, string>()

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300)
}

function runOne(call: AgentCall, frame: unknown): CallOutcome {
  const sandbox = sandboxes.get(call.agent)
  if (sandbox === undefined) {
    return { ok: false, reason: 'load-failed', message: failedLoads.get(call.agent) ?? 'no behaviour loaded for this agent', usedMs: 0 }
  }
  let input = call.input
  if (buildView !== null) {
    try {
      input = buildView(frame, call.input)
    } catch (error) {
      return { ok: false, reason: 'threw', message: `the view could not be built: ${messageOf(error)}`, usedMs: 0 }
    }
  }
  try {
    return sandbox.call(input, call.seed, call.now)
  } catch (error) {
    return { ok: false, reason: 'load-failed', message: messageOf(error), usedMs: 0 }
  }
}

/** A fresh thread runs WebAssembly unoptimized at first: a few calls now keep the first real ones within budget. */
function warmUp(): void {
  const sandbox = new Sandbox(module, 'function tick(v) { let s = 0; for (const x of v.a) s += Math.sqrt(x * x + 1); return { s, t: Date.now() } }', {
    cpuBudgetMs: 1000,
  })
  const input = JSON.stringify({ a: Array.from({ length: 64 }, (_, i) => i) })
  for (let i = 0; i < 200; i++) sandbox.call(input, i, 0)
  sandbox.dispose()
}

function handle(message: ToWorker): FromWorker | null {
  switch (message.type) {
    case 'load': {
      sandboxes.get(message.agent)?.dispose()
      sandboxes.delete(message.agent)
      failedLoads.delete(message.agent)
      try {
        sandboxes.set(message.agent, new Sandbox(module, message.code, message.limits))
      } catch (error) {
        failedLoads.set(message.agent, messageOf(error))
      }
      return null
    }
    case 'unload':
      sandboxes.get(message.agent)?.dispose()
      sandboxes.delete(message.agent)
      failedLoads.delete(message.agent)
      return null
    case 'run':
      return { type: 'done', batch: message.batch, outcomes: message.calls.map((call) => runOne(call, message.frame)) }
  }
}

port.on('message', (message: ToWorker) => {
  const reply = handle(message)
  if (reply !== null) port.postMessage(reply)
})
port.postMessage({ type: 'ready' } satisfies FromWorker)
