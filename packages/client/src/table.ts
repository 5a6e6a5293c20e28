import type { Component, Entity, FieldValue, Row, Schema } from '@orrery/ecs'
import type { Replica } from '@orrery/sync'

/**
 * A typed, read-only view of one component in the client's replica, with
 * row callbacks. Rows are fresh copies; write to the server through reducers.
 *
 * @example
 * ```ts
 * import { defineComponent, type Entity } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * declare const client: OrreryClient<{ Body: typeof Body }, {}>
 * declare function draw(e: Entity, x: number, y: number): void
 * declare function spawnSprite(e: Entity, body: { readonly x: number; readonly y: number }): void
 * for (const [e, body] of client.db.Body.iter()) draw(e, body.x, body.y)
 * const off = client.db.Body.onInsert((e, body) => spawnSprite(e, body))
 * off()
 * ```
 */
export interface Table<S extends Schema = Schema> {
  /** The component this table shows. */
  readonly component: Component<S>
  /** @returns a copy of the entity's row, or undefined when it has none */
  get(e: Entity): Row<S> | undefined
  /** @returns whether the entity has a row */
  has(e: Entity): boolean
  /** @returns every row as `[entity, row]` (rows are copies) */
  iter(): IterableIterator<[Entity, Row<S>]>
  /** @returns the number of rows */
  count(): number
  /**
   * Rows whose `field` equals `value`, through the world's unique or multi-value index when the
   * component declares one for that field, else by a scan.
   * @param field - a field name of the component
   * @param value - the value to match (strict equality)
   * @returns the matching rows as `[entity, row]`
   */
  findBy<K extends keyof S & string>(field: K, value: FieldValue<S[K]>): [Entity, Row<S>][]
  /** Calls `fn` after a row enters the table; returns the unsubscribe function. */
  onInsert(fn: (e: Entity, row: Row<S>) => void): () => void
  /** Calls `fn` after a row changes (`mask` bit i = `component.fields[i]`); returns the unsubscribe function. */
  onUpdate(fn: (e: Entity, row: Row<S>, previous: Row<S>, mask: number) => void): () => void
  /** Calls `fn` after a row leaves the table, with its last values; returns the unsubscribe function. */
  onDelete(fn: (e: Entity, row: Row<S>) => void): () => void
}

/**
 * Builds the {@link Table} of one component over a replica.
 * @param replica - the client's replica
 * @param component - a component the replica knows
 * @returns the table view
 */
export function createTable<S extends Schema>(replica: Replica, component: Component<S>): Table<S> {
  const world = replica.world
  const unique = new Set<string>((component.options.unique ?? []) as readonly string[])
  const indexed = new Set<string>((component.options.index ?? []) as readonly string[])

  const entry = (e: Entity): [Entity, Row<S>] | undefined => {
    const row = world.get(e, component)
    return row === undefined ? undefined : [e, row]
  }

  return {
    component,
    get: (e) => (world.isAlive(e) ? world.get(e, component) : undefined),
    has: (e) => world.isAlive(e) && world.has(e, component),
    *iter() {
      for (const e of world.query([component]).toArray()) {
        const pair = entry(e)
        if (pair !== undefined) yield pair
      }
    },
    count: () => world.count(component),
    findBy(field, value) {
      const out: [Entity, Row<S>][] = []
      if (unique.has(field)) {
        const e = world.findUnique(component, field, value)
        const pair = e === undefined ? undefined : entry(e)
        if (pair !== undefined) out.push(pair)
        return out
      }
      const candidates = indexed.has(field) ? world.findAll(component, field, value) : world.query([component]).toArray()
      for (const e of candidates) {
        if (world.read(e, component, field) !== value) continue
        const pair = entry(e)
        if (pair !== undefined) out.push(pair)
      }
      return out
    },
    onInsert: (fn) => replica.onInsert(component, fn),
    onUpdate: (fn) => replica.onUpdate(component, fn),
    onDelete: (fn) => replica.onDelete(component, fn),
  }
}
