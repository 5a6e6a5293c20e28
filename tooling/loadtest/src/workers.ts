import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { FromWorker, ToWorker, WorkerSnapshot } from './protocol.js'

const WORKER = new URL('./worker.ts', import.meta.url)
/** The package folder: its dependencies (tsx) resolve from there, wherever the load test was started. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))

/** The plan of a run, shared by its workers. */
export interface WorkerPlan {
  readonly url: string
  readonly script: string
  readonly clients: number
  readonly workers: number
  readonly rampMs: number
  readonly reportMs: number
}

/** Worker processes running the clients of one load test. */
export class WorkerPool {
  private readonly children: ChildProcess[] = []
  /** The latest snapshot of each worker. */
  readonly latest: (WorkerSnapshot | null)[]
  private readonly stopped: Promise<WorkerSnapshot>[] = []
  /** Samples (RTT, connect times) of every snapshot so far. */
  readonly rttMs: number[] = []
  readonly connectMs: number[] = []
  /** Highest event-loop delay p99 a worker reported, ms. */
  loopDelayP99Ms = 0
  /** Highest CPU use a worker reported over one snapshot interval, percent of one core. */
  cpuPct = 0

  /**
   * Forks the workers (same TypeScript loader and source conditions as this process); each loads the
   * script and waits for {@link go}.
   * @param plan - URL, script, clients and timing
   */
  constructor(plan: WorkerPlan) {
    this.latest = Array.from({ length: plan.workers }, () => null)
    const ready: Promise<void>[] = []
    let first = 0
    for (let w = 0; w < plan.workers; w++) {
      const count = Math.floor(plan.clients / plan.workers) + (w < plan.clients % plan.workers ? 1 : 0)
      const child = fork(WORKER, [], {
        cwd: PACKAGE_DIR,
        execArgv: ['--conditions=@orrery/source', '--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      this.children.push(child)
      let readied: () => void = () => undefined
      ready.push(new Promise<void>((resolve) => (readied = resolve)))
      const stopped = new Promise<WorkerSnapshot>((resolve, reject) => {
          child.on('message', (message: FromWorker) => {
            if (message.type === 'ready') {
              readied()
              return
            }
            this.take(w, message.snapshot)
            if (message.type === 'stopped') resolve(message.snapshot)
          })
          child.on('exit', (code) => reject(new Error(`load-test worker ${w + 1} exited with code ${code} before its report`)))
      })
      // Seen by stop(); a worker that dies earlier shows in the snapshots that stop coming.
      stopped.catch(() => undefined)
      this.stopped.push(stopped)
      const task: ToWorker = { type: 'run', url: plan.url, script: plan.script, first, count, total: plan.clients, rampMs: plan.rampMs, reportMs: plan.reportMs }
      child.send(task)
      first += count
    }
    // A worker that exits first rejects its `stopped` promise, and so this one.
    this.ready = Promise.race([Promise.all(ready).then(() => undefined), ...this.stopped.map((p) => p.then(() => undefined))])
  }

  /** Resolves once every worker has loaded the script; rejects when one exits first. */
  readonly ready: Promise<void>

  /** Starts the ramp at `startAt` (ms since the epoch) in every worker. */
  go(startAt: number): void {
    for (const child of this.children) if (child.connected) child.send({ type: 'go', startAt } satisfies ToWorker)
  }

  private take(worker: number, snapshot: WorkerSnapshot): void {
    this.latest[worker] = snapshot
    this.rttMs.push(...snapshot.rttMs)
    this.connectMs.push(...snapshot.connectMs)
    this.loopDelayP99Ms = Math.max(this.loopDelayP99Ms, snapshot.loopDelayP99Ms)
    this.cpuPct = Math.max(this.cpuPct, snapshot.cpuPct)
  }

  /** @returns the latest snapshots that have arrived */
  snapshots(): WorkerSnapshot[] {
    return this.latest.filter((s): s is WorkerSnapshot => s !== null)
  }

  /**
   * Stops every client and waits for each worker's final snapshot (taken before its clients closed).
   * @throws Error when a worker exits without one
   */
  async stop(): Promise<WorkerSnapshot[]> {
    for (const child of this.children) if (child.connected) child.send({ type: 'stop' } satisfies ToWorker)
    try {
      return await Promise.all(this.stopped)
    } finally {
      this.kill()
    }
  }

  /** Ends every worker process still running. */
  kill(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill()
  }
}
