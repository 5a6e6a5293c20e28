import type { Entity, World } from '@orrery/ecs'
import type { Creation } from './predicted-creation.js'
import { type InputSeq, seqAfter } from './sequence.js'

/**
 * The display keys of the predicted world's entities: the server's entities are drawn under their own
 * id, entities a replayed input or step created under stable negative local keys, by creator and order,
 * so that the same creation keeps its key from one replay to the next until the server's state takes
 * it over.
 */
export class DisplayKeys {
  /** Predicted-world entity → display key. */
  private readonly keyOf = new Map<Entity, number>()
  /** Display key → predicted-world entity. */
  readonly entityOf = new Map<number, Entity>()
  private readonly creations = new Map<string, Creation>()
  private nextLocal = -1

  /** The display key of `e`, or undefined for an entity with none. */
  key(e: Entity): number | undefined {
    return this.keyOf.get(e)
  }

  /** Forgets every entity's key (before a replay); the creations stay. */
  clearEntities(): void {
    this.keyOf.clear()
    this.entityOf.clear()
  }

  /** Forgets every key and creation. */
  clear(): void {
    this.clearEntities()
    this.creations.clear()
  }

  /** Gives a server entity its own id as display key. */
  own(e: Entity): void {
    this.keyOf.set(e, e)
    this.entityOf.set(e, e)
  }

  /**
   * Gives the entities of `world` created since the last call their keys: the k-th entity a creator
   * made gets the key it had in the previous replay, or a new negative one.
   *
   * @param world - the predicted world
   * @param creator - the input's sequence number or `t<tick>` for a step, as text
   * @param seq - the input's sequence number, undefined for a step
   * @param tick - the tick being simulated
   */
  keyCreations(world: World, creator: string, seq: InputSeq | undefined, tick: number): void {
    let k = 0
    for (const e of world.entities()) {
      if (this.keyOf.has(e)) continue
      const id = `${creator}:${k++}`
      let creation = this.creations.get(id)
      if (creation === undefined) {
        creation = { key: this.nextLocal--, seq, tick }
        this.creations.set(id, creation)
      }
      this.keyOf.set(e, creation.key)
      this.entityOf.set(creation.key, e)
    }
  }

  /**
   * Forgets creations that can no longer be replayed: their input is acknowledged, or (made by a step)
   * their tick is not after the authoritative one.
   */
  prune(baseTick: number, ack: InputSeq | undefined): void {
    for (const [id, c] of this.creations) {
      const gone = c.seq === undefined ? c.tick <= baseTick : ack !== undefined && !seqAfter(c.seq, ack)
      if (gone) this.creations.delete(id)
    }
  }
}
