import type { Component } from './component.js'
import type { Entity } from './entity.js'
import type { ComponentStore } from './store.js'

// Hot paths use literals, not named constants: `e & 0x3fffff` is an entity's index (entity.ts
// INDEX_MASK), `>>> 6` / `<< 6` / 64 its undo-log page of 64 rows (store.ts PAGE_SHIFT, PAGE_SIZE).
// A bundler turns a module's top-level `const` into `var`, which V8 reloads on every use.

/**
 * A live, cached set of the entities that have every `all` component and no `none` component.
 *
 * @example
 * ```ts
 * const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
 * const Velocity = defineComponent('Velocity', { x: 'f64', y: 'f64' })
 * const world = createWorld({ components: [Body, Velocity] })
 * const moving = world.query([Body, Velocity])
 * world.transaction(() => moving.forEach((e) => world.set(e, Body, 'x', world.read(e, Body, 'x') + world.read(e, Velocity, 'x'))))
 * ```
 */
export interface Query {
  /** The `all` components, in the order given. */
  readonly components: readonly Component[]
  /** Number of matching entities now. */
  readonly count: number
  /**
   * Calls `fn` for each matching entity without allocating per entity. Entities added during
   * the loop are not visited; entities that stop matching during the loop are skipped.
   */
  forEach(fn: (e: Entity) => void): void
  /** A fresh array of the matching entities. */
  toArray(): Entity[]
  /**
   * The matching entities as a read-only array, without copying: the fastest loop is
   * `for (const e of query.snapshot())`. The array is a snapshot: a later structural change
   * copies the query's array first, so this one never changes (it keeps entities destroyed
   * after the call; check `world.isAlive` / `world.has` before touching others you destroyed).
   */
  snapshot(): readonly Entity[]
  /**
   * Makes a system of a loop over this query: each call of the returned function calls
   * `loop(entities)` with the array {@link Query.snapshot} returns at that moment. The way to write
   * a hot system (create it once, call it every tick; in a tracking world, inside
   * `world.transaction`).
   *
   * Why not `() => { const ents = q.snapshot(); for (...) }`: on Node 20 (V8 11.3), a system
   * whose first call runs a long loop can stay for good on the code V8 compiled for that loop
   * while it ran (on-stack replacement), about 1.6× slower than its fully optimized code, in a
   * third to two thirds of fresh processes. The trigger is the `q.snapshot` lookup before the loop:
   * it runs before V8 gives the function its feedback storage, the optimized function stops there
   * on its next call, and V8 11.3 keeps entering the loop's code from then on. A loop that
   * receives its entities as an argument looks nothing up before it runs. Same entities, same
   * snapshot rules (a structural change during the loop copies the query's array first; the
   * loop's array keeps entities destroyed during it). The README's benchmark section has the
   * measurements, and the V8 11.3 quirk that remains for very short loops.
   *
   * @param loop - called with the matching entities, read-only; its return value is ignored
   * @returns a function that runs `loop` over the query's entities; it takes no arguments and
   *   returns nothing (it fits the `System` type)
   * @throws whatever `loop` throws
   * @example
   * ```ts
   * const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
   * const Velocity = defineComponent('Velocity', { x: 'f64', y: 'f64' })
   * const world = createWorld({ components: [Body, Velocity], trackChanges: false })
   * const [x, vx] = [world.field(Body, 'x'), world.field(Velocity, 'x')]
   * const move = world.query([Body, Velocity]).system((ents) => {
   *   for (let k = 0; k < ents.length; k++) {
   *     const e = ents[k] as Entity
   *     x.set(e, x.get(e) + vx.get(e))
   *   }
   * })
   * move()
   * ```
   */
  system(loop: (entities: readonly Entity[]) => void): () => void
  /**
   * `for (const e of query)`: walks the same snapshot as {@link Query.snapshot} (the entities that
   * matched when the loop started, including ones destroyed during the loop).
   */
  [Symbol.iterator](): IterableIterator<Entity>
}

/**
 * The query implementation: a sparse set of entities (dense array of small-integer ids, `pos` by
 * entity index), kept up to date on every add and remove of a component it reads. A structural
 * change during `forEach` copies the dense array once (copy on write), so running loops are safe.
 */
export class QueryImpl implements Query {
  // Properties are `declare`d and first written in the constructor with their final types (no
  // class-field definitions that would first set them to `undefined`), so V8 keeps precise field
  // types for the hot paths.
  declare readonly components: readonly Component[]
  declare readonly key: string
  declare private readonly all: readonly ComponentStore[]
  declare private readonly none: readonly ComponentStore[]
  /** One required component and no excluded one: a row of it is a match. */
  declare private readonly single: boolean
  /** Dense entity ids (read by iterators): a plain array of small integers. */
  declare ents: number[]
  declare private pos: Int32Array
  declare private n: number
  /** Number of running loops over this query. */
  declare iterating: number
  declare private iterToken: number
  declare private copiedFor: number
  /** The dense array was handed to a `for...of` loop: copy it before the next change. */
  declare private escaped: boolean

  constructor(
    key: string,
    components: readonly Component[],
    all: readonly ComponentStore[],
    none: readonly ComponentStore[],
    capacity: number,
  ) {
    this.key = key
    this.components = components
    this.all = all
    this.none = none
    this.single = all.length === 1 && none.length === 0
    this.ents = []
    this.pos = new Int32Array(capacity).fill(-1)
    this.n = 0
    this.iterating = 0
    this.iterToken = 0
    this.copiedFor = -1
    this.escaped = false
  }

  get count(): number {
    return this.n
  }

  /** Grows the position array to `capacity` entity indexes. */
  grow(capacity: number): void {
    const pos = new Int32Array(capacity).fill(-1)
    pos.set(this.pos)
    this.pos = pos
  }

  /** Whether entity index `i` matches now (owner columns are 0 for absent rows). */
  matches(i: number): boolean {
    const all = this.all
    for (let k = 0; k < all.length; k++) if ((all[k] as ComponentStore).owner[i] === 0) return false
    const none = this.none
    for (let k = 0; k < none.length; k++) if ((none[k] as ComponentStore).owner[i] !== 0) return false
    return true
  }

  /**
   * Entity `e` (index `i`) gained a row of a component this query requires. It lacked that row
   * until now, so it is not in the query: no position check, only the match.
   */
  requiredAdded(i: number, e: Entity): void {
    if (this.single || this.matches(i)) this.insert(i, e)
  }

  /**
   * Entity index `i` lost a row of a component this query requires: it no longer matches. A
   * single-component query holds every row of its component, so it needs no position check.
   */
  requiredRemoved(i: number): void {
    if (this.single || (this.pos[i] as number) >= 0) this.delete(i)
  }

  /** Entity index `i` gained a row of a component this query excludes: it no longer matches. */
  excludedAdded(i: number): void {
    if ((this.pos[i] as number) >= 0) this.delete(i)
  }

  /** Entity `e` (index `i`) lost a row of a component this query excludes (so it was not in the query). */
  excludedRemoved(i: number, e: Entity): void {
    if (this.matches(i)) this.insert(i, e)
  }

  /** Re-checks entity `e` (index `i`) against every component of the query. */
  refresh(i: number, e: Entity): void {
    const inside = (this.pos[i] as number) >= 0
    if (this.matches(i)) {
      if (!inside) this.insert(i, e)
    } else if (inside) {
      this.delete(i)
    }
  }

  private beforeMutation(): void {
    if (this.escaped || (this.iterating > 0 && this.copiedFor !== this.iterToken)) {
      this.ents = this.ents.slice()
      this.copiedFor = this.iterToken
      this.escaped = false
    }
  }

  private insert(i: number, e: Entity): void {
    this.beforeMutation()
    this.pos[i] = this.n++
    // Ids are 31-bit integers: the array stays an array of small integers (V8 Smis).
    this.ents.push(e)
  }

  private delete(i: number): void {
    this.beforeMutation()
    const at = this.pos[i] as number
    const last = this.ents.pop() as number
    this.n--
    if (at < this.n) {
      this.ents[at] = last
      this.pos[last & 0x3fffff] = at
    }
    this.pos[i] = -1
  }

  /** Whether `e` is in the query now. */
  contains(e: Entity): boolean {
    const at = this.pos[e & 0x3fffff] as number
    return at >= 0 && this.ents[at] === e
  }

  forEach(fn: (e: Entity) => void): void {
    const ents = this.ents
    const n = this.n
    this.iterating++
    this.iterToken++
    try {
      for (let k = 0; k < n; k++) {
        const e = ents[k] as Entity
        if (ents !== this.ents && !this.contains(e)) continue
        fn(e)
      }
    } finally {
      this.iterating--
    }
  }

  toArray(): Entity[] {
    const out = new Array<Entity>(this.n)
    for (let k = 0; k < this.n; k++) out[k] = this.ents[k] as Entity
    return out
  }

  snapshot(): readonly Entity[] {
    this.escaped = true
    return this.ents as Entity[]
  }

  system(loop: (entities: readonly Entity[]) => void): () => void {
    // One small closure, no loop of its own: V8 optimizes it with complete feedback, and the
    // caller's loop, which gets the array as an argument, has nothing to look up before it runs.
    return () => {
      loop(this.snapshot())
    }
  }

  [Symbol.iterator](): IterableIterator<Entity> {
    // Walks the dense array itself; it becomes a snapshot like `snapshot()`.
    this.escaped = true
    return (this.ents as Entity[])[Symbol.iterator]()
  }
}
