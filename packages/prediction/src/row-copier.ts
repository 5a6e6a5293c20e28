import type { Component, Entity, Field, World } from '@orrery/ecs'

/** One component's accessors in the source and the target world, and a reused values record. */
interface ComponentCopy {
  readonly component: Component
  readonly from: readonly Field<unknown>[]
  readonly values: Record<string, unknown>
}

/**
 * Copies whole entities (the rows of a fixed list of components) from one world into another under
 * the same entity ids: how prediction takes the authoritative rows from the replica and how it rewinds
 * the predicted world to them. Allocates nothing per entity once built (field accessors and one
 * values record per component are reused).
 */
export class RowCopier {
  private readonly copies: readonly ComponentCopy[]

  /**
   * @param components - the components to copy (registered in `target` if needed)
   * @param source - the world read from
   * @param target - the world written to (outside a transaction unless it tracks changes)
   */
  constructor(
    components: readonly Component[],
    readonly source: World,
    readonly target: World,
  ) {
    this.copies = components.map((component) => {
      target.register(component)
      const values: Record<string, unknown> = {}
      for (const name of component.fields) values[name] = undefined
      return {
        component,
        from: component.fields.map((name) => source.field(component, name) as Field<unknown>),
        values,
      }
    })
  }

  /**
   * Creates `e` in the target world with every copied component's row that `e` has in the source.
   * Returns false (and copies nothing) when `e` is not alive in the source.
   */
  copy(e: Entity): boolean {
    if (!this.source.isAlive(e)) return false
    this.target.createWithId(e)
    for (let c = 0; c < this.copies.length; c++) {
      const copy = this.copies[c] as ComponentCopy
      if (!this.source.has(e, copy.component)) continue
      const fields = copy.component.fields
      for (let f = 0; f < fields.length; f++) {
        copy.values[fields[f] as string] = (copy.from[f] as Field<unknown>).get(e)
      }
      this.target.add(e, copy.component, copy.values)
    }
    return true
  }
}

/**
 * Destroys every entity of `world`, using `scratch` to hold the ids (so the iteration does not see
 * its own deletions).
 */
export function clearWorld(world: World, scratch: Entity[]): void {
  scratch.length = 0
  for (const e of world.entities()) scratch.push(e)
  for (let i = 0; i < scratch.length; i++) world.destroy(scratch[i] as Entity)
  scratch.length = 0
}
