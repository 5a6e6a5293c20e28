/** What the load test tells a worker process (over IPC). */
export type ToWorker =
  | {
      readonly type: 'run'
      /** The server's WebSocket URL. */
      readonly url: string
      /** The script's file: URL. */
      readonly script: string
      /** Global index of this worker's first client, and how many it runs. */
      readonly first: number
      readonly count: number
      /** Clients over all workers (the ramp spreads them all). */
      readonly total: number
      /** How long the ramp lasts, ms. */
      readonly rampMs: number
      /** Snapshot interval, ms. */
      readonly reportMs: number
    }
  /** Every worker is ready: the ramp starts at `startAt`, ms since the epoch. */
  | { readonly type: 'go'; readonly startAt: number }
  | { readonly type: 'stop' }

/** What a worker's clients did so far (totals) and since its last snapshot (samples). */
export interface WorkerSnapshot {
  /** Clients whose start has not resolved yet (waiting for their turn in the ramp, or connecting). */
  readonly starting: number
  /** Clients whose script's `start` resolved. */
  readonly connected: number
  /** Clients whose `start` threw. */
  readonly failed: number
  /** Sockets open now. */
  readonly open: number
  /** Sockets opened beyond one per client. */
  readonly reconnects: number
  /** WebSocket payload bytes in and out, per client of this worker. */
  readonly bytesIn: readonly number[]
  readonly bytesOut: readonly number[]
  /** Errors by code (`start:`, `error:`, `close:` prefixes). */
  readonly errors: Readonly<Record<string, number>>
  /** RTT samples (each connected client's, once a second) since the last snapshot, ms. */
  readonly rttMs: readonly number[]
  /** Times from a client's turn to its `start` resolving, since the last snapshot, ms. */
  readonly connectMs: readonly number[]
  /** 99th percentile of the worker's event-loop delay, ms: high values mean the load generator itself is saturated. */
  readonly loopDelayP99Ms: number
  /** CPU time the worker used since its last snapshot, percent of one core. */
  readonly cpuPct: number
}

/** What a worker sends back. */
export type FromWorker =
  /** The script is loaded: the worker waits for 'go'. */
  | { readonly type: 'ready' }
  | { readonly type: 'snapshot'; readonly snapshot: WorkerSnapshot }
  | { readonly type: 'stopped'; readonly snapshot: WorkerSnapshot }
