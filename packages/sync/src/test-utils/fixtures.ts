import { type ChangeSet, type Component, defineComponent, type Entity } from '@orrery/ecs'

export const Body = defineComponent('Body', { x: 'f64', y: 'f64', mass: 'u32' })
export const Player = defineComponent('Player', { name: 'string', alive: 'bool', target: 'entity' })
export const Food = defineComponent('Food', {})
export const components: readonly Component[] = [Body, Player, Food]

/** A hand-made change set for one component (for merger unit tests). */
export function changeSet(
  component: Component,
  rows: { inserted?: number[]; updated?: [number, number][]; deleted?: number[] },
  events: { name: string; payload: unknown }[] = [],
): ChangeSet {
  const updated = rows.updated ?? []
  return {
    components: [
      {
        component,
        inserted: (rows.inserted ?? []) as Entity[],
        updated: updated.map(([e]) => e as Entity),
        updatedMasks: updated.map(([, mask]) => mask),
        deleted: (rows.deleted ?? []) as Entity[],
      },
    ],
    events,
    isEmpty: false,
  }
}
