import type { SubscribeApplied, TransactionUpdate } from '@orrery/protocol'
import type { Replica } from '@orrery/sync'

/**
 * Keeps a replica applying snapshots and updates in server order although
 * they reach the client by two paths: updates as connection events (at
 * once), snapshots as request answers (a promise continuation, later — after
 * any update that arrived in the same read). While a snapshot is awaited,
 * updates wait in a queue; when the snapshot with seq S arrives, queued
 * updates with seq ≤ S (sent before it) are applied first, then the
 * snapshot, then the rest. Within a session, updates before its first
 * snapshot are dropped: that snapshot already contains them.
 */
export class ReplicaSync {
  private readonly replica: Replica
  private readonly hasSubscriptions: () => boolean
  private readonly onError: (error: unknown, applied: boolean) => void
  private queue: TransactionUpdate[] = []
  private pending = 0
  private anchored = false
  private generationValue = 0

  /**
   * @param replica - the replica to feed
   * @param hasSubscriptions - whether any subscription is registered (without one, updates carry only events and anchor the replica themselves)
   * @param onError - told when applying an update threw; `applied` is true when the update went in and a row or event listener threw
   */
  constructor(replica: Replica, hasSubscriptions: () => boolean, onError: (error: unknown, applied: boolean) => void) {
    this.replica = replica
    this.hasSubscriptions = hasSubscriptions
    this.onError = onError
  }

  /** Increases with each session; answers to requests of an older session are ignored. */
  get generation(): number {
    return this.generationValue
  }

  /** Starts a session (a Welcome, or a re-sync after a gap): forgets the seq baseline and queued updates. */
  newSession(): void {
    this.generationValue++
    this.queue = []
    this.pending = 0
    this.anchored = false
    this.replica.reset()
  }

  /** Feeds one TransactionUpdate as it arrives. */
  update(message: TransactionUpdate): void {
    if (this.pending > 0) this.queue.push(message)
    else this.apply(message)
  }

  /**
   * Announces a Subscribe request of the current session.
   * @returns the session generation, to pass to {@link ReplicaSync.snapshot} or {@link ReplicaSync.failed}
   */
  expectSnapshot(): number {
    this.pending++
    return this.generationValue
  }

  /**
   * Applies the awaited snapshot in order with the queued updates.
   * @throws the replica's SyncError when the snapshot is malformed (nothing of it is applied)
   */
  snapshot(generation: number, message: SubscribeApplied): void {
    if (generation !== this.generationValue) return
    this.pending--
    const queued = this.queue
    this.queue = []
    let i = 0
    for (; i < queued.length && (queued[i] as TransactionUpdate).seq <= message.seq; i++) {
      this.apply(queued[i] as TransactionUpdate)
      if (generation !== this.generationValue) return
    }
    try {
      this.replica.applySnapshot(message)
    } catch (error) {
      // Applied, but a row listener threw: the replica is in step, report and go on.
      if (this.replica.seq !== message.seq) {
        this.requeue(generation, queued.slice(i))
        throw error
      }
      this.onError(error, true)
    }
    this.anchored = true
    this.requeue(generation, queued.slice(i))
  }

  /** The awaited snapshot will not come (the request failed); releases the queue. */
  failed(generation: number): void {
    if (generation !== this.generationValue) return
    this.pending--
    const queued = this.queue
    this.queue = []
    this.requeue(generation, queued)
  }

  private requeue(generation: number, rest: TransactionUpdate[]): void {
    if (this.pending > 0) {
      this.queue = rest.concat(this.queue)
      return
    }
    for (const message of rest) {
      this.apply(message)
      if (generation !== this.generationValue) return
    }
  }

  private apply(message: TransactionUpdate): void {
    if (!this.anchored && this.hasSubscriptions()) return
    try {
      this.replica.applyUpdate(message)
    } catch (error) {
      this.onError(error, this.replica.seq === message.seq)
    }
  }
}
