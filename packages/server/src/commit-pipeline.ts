import type { ChangeSet, World, WorldImage } from '@orrery/ecs'
import { captureWorld } from '@orrery/ecs'
import type { Clock } from './clock.js'
import { type CommitEntry, EntryRecorder, type OriginKind } from './commit-entry.js'
import type { CommitLog, WorldSource } from './commit-log.js'
import { DurationStats } from './duration-stats.js'
import { RecentCommits } from './recent-commits.js'
import { ServerError } from './server-error.js'

/** The part of the replicator the pipeline feeds: committed change sets and the end of each tick. */
export interface ReplicationSink {
  commit(changes: ChangeSet): number
  flush(tick: number, serverTime: number): void
}

/** Who runs a transaction, for its entry. */
export interface CommitOrigin {
  readonly kind: OriginKind
  readonly name: string
  readonly caller: string
}

/** Options of {@link CommitPipeline}. */
export interface CommitPipelineOptions {
  /** The authoritative world (the raw one: only the pipeline opens its outermost transactions). */
  readonly world: World
  /** Where entries go. */
  readonly log: CommitLog
  /** Where change sets go after the log. */
  readonly replicator: ReplicationSink
  /** The seq of the last recovered entry (0 for a new world). */
  readonly startSeq: number
  /** The current tick number. */
  readonly tick: () => number
  /** Timers for `groupCommitMs`. */
  readonly clock: Clock
  /** Flush the log this often (ms) in addition to every tick end; undefined: at tick ends only. */
  readonly groupCommitMs?: number
  /** Entries kept for {@link CommitPipeline.recent}. */
  readonly recentSize: number
  /** Called when a flush of the log throws (the entries stay buffered in the log). */
  readonly onLogError: (error: unknown) => void
}

/**
 * The one way a transaction of the server's world commits: it runs `fn` in a transaction, gives
 * a non-empty change set the next seq, records its entry (tick, server time, origin, caller,
 * change set with values) in the recent history, appends it to the commit log, and hands the
 * change set to the replicator. At each tick end (and every `groupCommitMs`) the log is flushed
 * as one group, callers waiting for durability are answered, and the replicator sends the tick.
 */
export class CommitPipeline {
  /** Recent entries for history queries on the live server. */
  readonly recent: RecentCommits
  /** Time from a durable reducer's commit to its group commit, ms. */
  readonly groupWait = new DurationStats(1024)
  private readonly world: World
  private readonly log: CommitLog
  private readonly replicator: ReplicationSink
  private readonly recorder: EntryRecorder
  private readonly options: CommitPipelineOptions
  private seqValue: number
  private flushedValue: number
  private waiters: { seq: number; at: number; done: (durable: boolean) => void }[] = []
  private timer: unknown = null
  private closed = false
  private flushingSeq: number
  private inFlight: Promise<void> = Promise.resolve()
  private readonly source: WorldSource

  /** @param options - see {@link CommitPipelineOptions} */
  constructor(options: CommitPipelineOptions) {
    this.options = options
    this.world = options.world
    this.log = options.log
    this.replicator = options.replicator
    this.recorder = new EntryRecorder(options.world)
    this.recent = new RecentCommits(options.recentSize)
    this.seqValue = options.startSeq
    this.flushedValue = options.startSeq
    this.flushingSeq = options.startSeq
    const pipeline = this
    this.source = {
      get seq() {
        return pipeline.seqValue
      },
      get tick() {
        return pipeline.options.tick()
      },
      capture: (): WorldImage => captureWorld(pipeline.world),
    }
  }

  /** The seq of the last committed transaction. */
  get seq(): number {
    return this.seqValue
  }

  /** The seq of the last transaction the log flushed (on disk for a durable log). */
  get flushedSeq(): number {
    return this.flushedValue
  }

  /**
   * Runs `fn` as one transaction and commits it through the pipeline. Inside an open transaction
   * it is a nested savepoint of that one (committed with it).
   * @param origin - what runs and for whom
   * @param fn - the code; a throw rolls back and propagates
   * @returns what `fn` returned, its change set, and the committed entry (null when nothing changed or nested)
   * @throws {ServerError} `ERR_CLOSED` after {@link CommitPipeline.close}
   */
  run<T>(origin: CommitOrigin, fn: () => T): { result: T; changes: ChangeSet; entry: CommitEntry | null } {
    if (this.closed) throw new ServerError('ERR_CLOSED', 'the server was closed: its world takes no more transactions')
    const world = this.world
    if (world.inTransaction) return { ...world.transaction(fn), entry: null }
    const { result, changes } = world.transaction(fn)
    if (changes.isEmpty) return { result, changes, entry: null }
    return { result, changes, entry: this.commit(origin, changes) }
  }

  private commit(origin: CommitOrigin, changes: ChangeSet): CommitEntry {
    const seq = ++this.seqValue
    const entry = this.recorder.record(
      { seq, tick: this.options.tick(), time: Date.now(), originKind: origin.kind, origin: origin.name, caller: origin.caller },
      changes,
    )
    this.recent.push(entry)
    this.log.append(entry)
    this.replicator.commit(changes)
    if (this.options.groupCommitMs !== undefined && this.timer === null && this.log.durable) {
      this.timer = this.options.clock.setTimeout(() => {
        this.timer = null
        this.flushLog()
      }, this.options.groupCommitMs)
    }
    return entry
  }

  /**
   * Calls `done(true)` once every transaction committed so far is on disk, or `done(false)` at
   * once when the log is not durable (or when its flush fails).
   * @param done - the callback
   */
  whenDurable(done: (durable: boolean) => void): void {
    if (!this.log.durable) {
      done(false)
      return
    }
    if (this.flushedValue === this.seqValue) {
      done(true)
      return
    }
    if (this.flushingSeq === this.seqValue) {
      // Everything is flushed but a background write is still on its way: wait for it.
      const at = performance.now()
      this.inFlight.then(() => {
        this.groupWait.record(performance.now() - at)
        done(this.flushedValue >= this.flushingSeq)
      })
      return
    }
    this.waiters.push({ seq: this.seqValue, at: performance.now(), done })
  }

  /**
   * Group commit: flushes the log, answers the callers waiting for it (at once, or when a
   * background writer reports the group durable), lets the log take a snapshot.
   */
  flushLog(): void {
    if (this.timer !== null) {
      this.options.clock.clearTimeout(this.timer)
      this.timer = null
    }
    if (this.flushingSeq === this.seqValue) return
    const seq = this.seqValue
    this.flushingSeq = seq
    const waiters = this.waiters
    this.waiters = []
    let pending: void | Promise<void>
    try {
      pending = this.log.flush()
    } catch (error) {
      this.options.onLogError(error)
      this.settle(waiters, false, seq)
      return
    }
    if (pending instanceof Promise) {
      const done = pending.then(
        () => this.settle(waiters, true, seq),
        (error: unknown) => {
          this.options.onLogError(error)
          this.settle(waiters, false, seq)
        },
      )
      this.inFlight = this.inFlight.then(() => done)
    } else {
      this.settle(waiters, true, seq)
    }
    try {
      this.log.maintain(this.source)
    } catch (error) {
      this.options.onLogError(error)
    }
  }

  private settle(waiters: readonly { at: number; done: (durable: boolean) => void }[], ok: boolean, seq: number): void {
    if (ok && seq > this.flushedValue) this.flushedValue = seq
    const now = performance.now()
    for (const w of waiters) {
      if (ok) this.groupWait.record(now - w.at)
      w.done(ok)
    }
  }

  /**
   * Resolves once every transaction committed so far is durable.
   * @returns true when it is (false at once for a log that is not durable, or when a flush failed)
   */
  durable(): Promise<boolean> {
    return new Promise((resolve) => this.whenDurable(resolve))
  }

  /**
   * Ends a tick: group commit, then the replicator sends the tick's updates.
   * @param tick - the tick number
   * @param serverTime - ms since the Unix epoch
   */
  endTick(tick: number, serverTime: number): void {
    this.flushLog()
    this.replicator.flush(tick, serverTime)
  }

  /** Flushes and closes the log (a durable log may write a final snapshot); settles when everything is written. */
  async close(): Promise<void> {
    this.flushLog()
    this.closed = true
    await this.inFlight
    await this.log.close(this.source)
  }
}
