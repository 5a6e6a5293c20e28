import { buildComponentChanges } from './change-builder.js'
import { type ChangeEvent, type ChangeSet, EMPTY_CHANGE_SET, makeChangeSet } from './change-set.js'
import type { Entity } from './entity.js'
import type { EntityPool } from './entity-pool.js'
import { EcsError } from './errors.js'
import type { Rng } from './rng.js'
import type { ComponentStore } from './store.js'
import { ADD, CREATE, CREATE_ID, DESTROY, NOP, PAGE, REMOVE, STRIDE, UndoLog } from './undo-log.js'

/** Numbers per savepoint frame: log lengths (3), rng state, events length. */
const FRAME = 5

/**
 * Transactions over a world: levels (the outermost transaction and nested savepoints) over one
 * undo log, and the change set at the outermost commit.
 *
 * Field writes are logged per page: the first write to a page of 64 rows of a component at a
 * level copies that page once (copy on first write), so a loop that writes many rows pays one
 * short copy per 64 rows and one compare per write. `pageMark[p]` holds the level that copied
 * page p (0 = none); `epoch` is the current level, so "already copied" is one compare. Outside a
 * transaction `epoch` is 0 without tracking (writes go straight through) and -1 with tracking
 * (any write reaches `capture`, which throws ERR_NO_TRANSACTION). Structural changes are logged
 * one entry each. The change set is the diff of the copied pages against the committed values
 * plus the rows whose owner changed; a write of an equal value never reaches the log.
 */
export class TransactionEngine {
  /**
   * Current level: 1.. in a transaction, 0 outside without tracking, -1 outside with tracking.
   * `declare`d and first written in the constructor (a small integer, never `undefined`), so V8
   * keeps it an untagged small-integer field that every accessor write reads without a type check.
   * The other properties are declared the same way, for the same reason.
   */
  declare epoch: number
  declare depth: number
  declare readonly track: boolean
  declare private readonly outside: number
  declare private readonly log: UndoLog
  declare private readonly frames: number[]
  declare private events: ChangeEvent[]
  declare private readonly touched: ComponentStore[]
  declare private readonly stores: readonly ComponentStore[]
  declare private readonly pool: EntityPool
  declare private readonly rng: Rng

  constructor(stores: readonly ComponentStore[], pool: EntityPool, rng: Rng, track: boolean) {
    this.stores = stores
    this.pool = pool
    this.rng = rng
    this.track = track
    this.depth = 0
    this.log = new UndoLog()
    this.frames = []
    this.events = []
    this.touched = []
    this.outside = track ? -1 : 0
    this.epoch = this.outside
  }

  /** Throws ERR_NO_TRANSACTION when tracking is on and no transaction is open. */
  guard(): void {
    if (this.epoch < 0) {
      throw new EcsError('ERR_NO_TRANSACTION', 'this world tracks changes: write inside world.transaction()')
    }
  }

  private touch(s: ComponentStore): void {
    if (!s.touched) {
      s.touched = true
      this.touched.push(s)
    }
  }

  /** Copies page `p` of store `s` into the log (first write to it at this level). */
  capture(s: ComponentStore, p: number): void {
    this.guard()
    const prev = s.pageMark[p] as number
    s.pageMark[p] = this.epoch
    this.log.copyPage(s, p, prev)
    this.touch(s)
  }

  /** Logs the creation of index `i` (taken from the free list or fresh). */
  logCreate(i: number, fromFree: boolean): void {
    if (this.depth > 0) this.log.append(CREATE, i, fromFree ? 1 : 0, 0, 0, 0)
  }

  /** Logs a `createWithId` at index `i` with the pool state it replaced. */
  logCreateWithId(i: number, prevVersion: number, prevNext: number, prevFreeLen: number): void {
    if (this.depth > 0) this.log.append(CREATE_ID, i, prevVersion, prevNext, prevFreeLen, 0)
  }

  /** Logs the destruction of entity `e` at index `i`. */
  logDestroy(i: number, e: Entity, pushed: boolean): void {
    if (this.depth > 0) this.log.append(DESTROY, i, e, pushed ? 1 : 0, 0, 0)
  }

  /** Logs the insertion (add) or deletion (remove) of row `i` of `s`; call before the change. */
  logRow(s: ComponentStore, i: number, added: boolean): void {
    if (this.depth === 0) return
    this.log.append(added ? ADD : REMOVE, s.id, i, s.owner[i] as number, 0, 0)
    if (this.track && s.structMark[i] === 0) {
      s.structMark[i] = 1
      s.prevOwner[i] = s.owner[i] as number
      s.structRows.push(i)
      this.touch(s)
    }
  }

  /** Records an event for the current transaction. @throws EcsError ERR_NO_TRANSACTION */
  emit(name: string, payload: unknown): void {
    if (this.depth === 0) throw new EcsError('ERR_NO_TRANSACTION', 'emit() needs an open transaction')
    this.events.push({ name, payload })
  }

  /** Opens a transaction level (the outermost one, or a savepoint). */
  begin(): void {
    const log = this.log
    this.frames.push(log.opsLen, log.numLen, log.obj.length, this.rng.getState(), this.events.length)
    this.depth++
    this.epoch = this.depth
  }

  /** Commits the innermost level; returns the change set for the outermost one. */
  commit(): ChangeSet {
    const start = this.frames[this.frames.length - FRAME] as number
    this.frames.length -= FRAME
    this.depth--
    if (this.depth > 0) {
      this.mergeIntoParent(start)
      this.epoch = this.depth
      return EMPTY_CHANGE_SET
    }
    this.epoch = this.outside
    const events = this.events
    // A transaction that logged nothing (and emitted nothing) costs nothing more here.
    if (this.log.opsLen === 0 && this.touched.length === 0 && events.length === 0) return EMPTY_CHANGE_SET
    let components: ReturnType<typeof buildComponentChanges> = []
    if (this.track) components = buildComponentChanges(this.log, this.stores, this.touched)
    else this.clearPageMarks()
    for (const s of this.touched) s.touched = false
    this.touched.length = 0
    this.log.truncate(0, 0, 0)
    if (events.length === 0) return makeChangeSet(components, EMPTY_CHANGE_SET.events)
    this.events = []
    return makeChangeSet(components, events)
  }

  /** A committed savepoint's pages become its parent's; a page the parent had copied is dropped. */
  private mergeIntoParent(start: number): void {
    const ops = this.log.ops
    const parent = this.depth
    for (let k = start; k < this.log.opsLen; k += STRIDE) {
      if (ops[k] !== PAGE) continue
      const s = this.stores[ops[k + 1] as number] as ComponentStore
      s.pageMark[ops[k + 2] as number] = parent
      if (ops[k + 3] === parent) ops[k] = NOP
    }
  }

  private clearPageMarks(): void {
    const ops = this.log.ops
    for (let k = 0; k < this.log.opsLen; k += STRIDE) {
      if (ops[k] === PAGE) (this.stores[ops[k + 1] as number] as ComponentStore).pageMark[ops[k + 2] as number] = 0
    }
  }

  /** Rolls the innermost level back: values, rows, entities, indexes, rng state and events. */
  rollback(): void {
    const n = this.frames.length - FRAME
    const f = this.frames
    const start = f[n] as number
    const end = this.log.opsLen
    this.log.undo(start, this.stores, this.pool)
    this.log.reindex(start, end, this.stores)
    this.log.truncate(start, f[n + 1] as number, f[n + 2] as number)
    this.rng.setState(f[n + 3] as number)
    this.events.length = f[n + 4] as number
    f.length = n
    this.depth--
    if (this.depth > 0) {
      this.epoch = this.depth
      return
    }
    this.epoch = this.outside
    for (const s of this.touched) {
      for (const i of s.structRows) s.structMark[i] = 0
      s.structRows.length = 0
      s.touched = false
    }
    this.touched.length = 0
  }
}
