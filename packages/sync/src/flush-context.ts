import type { Entity, Field, World } from '@orrery/ecs'
import type { ChangeIndex } from './change-index.js'
import type { WirePlan } from './wire-plan.js'

/** What a flush of one client needs from the replicator. */
export interface FlushContext {
  readonly world: World
  readonly plans: readonly WirePlan[]
  /** Per table, the world's field accessors in field order. */
  readonly accessors: readonly (readonly Field<unknown>[])[]
  readonly changes: ChangeIndex
  /** Estimated bytes one update may carry before rows wait for later ticks. */
  readonly budgetBytes: number
  /** World units beyond an area's margin before an entity leaves, or null for the default (a tenth of the area). */
  readonly hysteresis: number | null
  /** Whether an entity is expected to change nearly every tick (it is bound in the frequent handle range). */
  readonly frequent: (e: Entity) => boolean
}
