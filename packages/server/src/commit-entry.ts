import type { ChangeSet, Component, ComponentChanges, Entity, Field, World } from '@orrery/ecs'

/** What kind of code ran a committed transaction. */
export type OriginKind = 'reducer' | 'system' | 'hook' | 'server'

/**
 * The net changes of one component in one {@link CommitEntry}, with the values written, so the
 * entry replays without the world it came from.
 */
export interface TableEntry {
  /** The component name. */
  readonly component: string
  /** The component's number of fields (the width of an insert is `fields + 1`). */
  readonly fields: number
  /** Per inserted row, flat: the entity, then every field value in schema order. */
  readonly inserts: readonly unknown[]
  /** Per updated row, flat: the entity, the changed-field mask (bit i = field i), then the changed values in field order. */
  readonly updates: readonly unknown[]
  /** Entities whose row was deleted. */
  readonly deletes: readonly number[]
}

/** An event emitted by a committed transaction. */
export interface EntryEvent {
  readonly name: string
  readonly payload: unknown
}

/**
 * One committed transaction as the commit pipeline records it: who ran it, when, and its change
 * set with values. The unit of the commit log, history queries and replay.
 */
export interface CommitEntry {
  /** Sequence number: 1, 2, 3… over the life of the world (survives restarts). */
  readonly seq: number
  /** The tick during which it committed (0 before the first tick). */
  readonly tick: number
  /** Server wall-clock time at commit, ms since the Unix epoch. */
  readonly time: number
  /** What ran it. */
  readonly originKind: OriginKind
  /** The reducer, system or hook name, or the reason given to `server.mutate` (`world.transaction` for a bare top-level transaction). */
  readonly origin: string
  /** The caller's identity (the module identity for systems, init and server code). */
  readonly caller: string
  /** Per changed component, in registration order. */
  readonly tables: readonly TableEntry[]
  /** Entities destroyed (all their rows are among `deletes`). */
  readonly destroyed: readonly number[]
  /** Events in emit order. */
  readonly events: readonly EntryEvent[]
  /** The world's rng state after the transaction. */
  readonly rngState: number
}

/** Who and what a commit entry records, besides its changes. */
export interface EntryMeta {
  readonly seq: number
  readonly tick: number
  readonly time: number
  readonly originKind: OriginKind
  readonly origin: string
  readonly caller: string
}

/**
 * Reads the values of a committed change set from the world right after the commit and builds
 * its {@link CommitEntry}. Keeps one field accessor per component field.
 */
export class EntryRecorder {
  private readonly accessors = new Map<Component, Field<unknown>[]>()

  /** @param world - the world whose commits are recorded (reads only) */
  constructor(private readonly world: World) {}

  /**
   * @param meta - seq, tick, time, origin and caller
   * @param changes - a non-empty change set just committed on the world
   * @returns the entry with the values as they are now
   */
  record(meta: EntryMeta, changes: ChangeSet): CommitEntry {
    const world = this.world
    const comps = changes.components
    const tables: TableEntry[] = new Array<TableEntry>(comps.length)
    let destroyed: Set<number> | null = null
    for (let c = 0; c < comps.length; c++) {
      const cc = comps[c] as ComponentChanges
      const fields = this.fieldsOf(cc.component)
      const nf = fields.length
      const inserted = cc.inserted
      const inserts: unknown[] = inserted.length === 0 ? NO_VALUES : []
      for (let k = 0; k < inserted.length; k++) {
        const e = inserted[k] as Entity
        inserts.push(e)
        for (let f = 0; f < nf; f++) inserts.push((fields[f] as Field<unknown>).get(e))
      }
      const updated = cc.updated
      const masks = cc.updatedMasks
      const updates: unknown[] = updated.length === 0 ? NO_VALUES : []
      for (let k = 0; k < updated.length; k++) {
        const e = updated[k] as Entity
        const mask = masks[k] as number
        updates.push(e, mask)
        for (let f = 0; f < nf; f++) if ((mask & (1 << f)) !== 0) updates.push((fields[f] as Field<unknown>).get(e))
      }
      const deleted = cc.deleted
      for (let k = 0; k < deleted.length; k++) {
        const e = deleted[k] as Entity
        if (!world.isAlive(e)) {
          destroyed ??= new Set()
          destroyed.add(e)
        }
      }
      tables[c] = { component: cc.component.name, fields: nf, inserts, updates, deletes: deleted as readonly number[] }
    }
    const events = changes.events.length === 0 ? NO_EVENTS : changes.events.map((e) => ({ name: e.name, payload: e.payload }))
    return {
      seq: meta.seq,
      tick: meta.tick,
      time: meta.time,
      originKind: meta.originKind,
      origin: meta.origin,
      caller: meta.caller,
      tables,
      destroyed: destroyed === null ? NO_ENTITIES : [...destroyed],
      events,
      rngState: world.rng.getState(),
    }
  }

  private fieldsOf(c: Component): Field<unknown>[] {
    let fields = this.accessors.get(c)
    if (fields === undefined) {
      fields = c.fields.map((name) => this.world.field(c as Component, name as never) as Field<unknown>)
      this.accessors.set(c, fields)
    }
    return fields
  }
}

const NO_EVENTS: readonly EntryEvent[] = Object.freeze([])
const NO_ENTITIES: readonly number[] = Object.freeze([])
const NO_VALUES: unknown[] = Object.freeze([]) as unknown as unknown[]
