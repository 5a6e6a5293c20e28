import { type ChangeSet, type Component, defineComponent, type Entity } from '@orrery/ecs'

export const Body = defineComponent('Body', { x: 'f64', y: 'f64', mass: 'u32' })
export const Player = defineComponent('Player', { name: 'string', alive: 'bool', target: 'entity' })
export const Food = defineComponent('Food', {})
export const components: readonly Component[] = [Body, Player, Food]

/** A positioned component: spatial grid over (x, y), positions quantized to 1/16, `heading` an unquantized f32. */
export const Mover = defineComponent(
  'Mover',
  { x: 'f64', y: 'f64', heading: 'f32', hp: 'u8' },
  { spatial: { x: 'x', y: 'y', cellSize: 16 }, quantize: { x: 1 / 16, y: 1 / 16 } },
)
/** A component without a position: travels with its entity's Mover in an area subscription. */
export const Tag = defineComponent('Tag', { label: 'string', level: 'u16' })
/** A component clients subscribe to whole; `ratio` is an f32 quantized to 1/100. */
export const Score = defineComponent('Score', { points: 'u32', ratio: 'f32' }, { quantize: { ratio: 0.01 } })
/** The components of the area-of-interest tests, table id = index. */
export const aoiComponents: readonly Component[] = [Mover, Tag, Score]

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
