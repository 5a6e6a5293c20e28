import type { Entity } from '@orrery/ecs'
import type { DrawnSet } from './drawn-set.js'
import type { InputSeq } from './sequence.js'

/** A predicted creation: the local key it is drawn under, and what created it. */
export interface Creation {
  /** Negative display key. */
  readonly key: number
  /** Sequence number of the input that created it, or undefined when a step did. */
  readonly seq: InputSeq | undefined
  /** Tick it was created at. */
  readonly tick: number
}

/** The outcome of {@link matchCreations}. */
export interface CreationMatch {
  /** [local key, server entity] pairs. */
  readonly matched: readonly (readonly [number, Entity])[]
  /** Local keys with no server entity. */
  readonly rejected: readonly number[]
}

const NONE: CreationMatch = { matched: [], rejected: [] }

/**
 * Matches the predicted creations that a reconciliation ended (local keys drawn before, absent after)
 * to the server's entities that it introduced (positive keys present after, absent before), nearest
 * pairs first, within `maxDistance` world units. Greedy nearest-first matching is what a player sees
 * as continuity: each new server circle continues from the predicted circle drawn closest to it.
 *
 * @param before - drawn positions before the reconciliation
 * @param after - simulated positions after it
 * @param maxDistance - farthest a pair may be apart, world units
 * @returns matched pairs and rejected local keys (allocates only when a predicted creation ended)
 */
export function matchCreations(before: DrawnSet, after: DrawnSet, maxDistance: number): CreationMatch {
  const ended: number[] = []
  for (let i = 0; i < before.size; i++) {
    const key = before.keys[i] as number
    if (key < 0 && after.indexOf(key) < 0) ended.push(i)
  }
  if (ended.length === 0) return NONE
  const appeared: number[] = []
  for (let j = 0; j < after.size; j++) {
    const key = after.keys[j] as number
    if (key > 0 && before.indexOf(key) < 0) appeared.push(j)
  }
  const pairs: [number, number, number][] = []
  for (const i of ended) {
    for (const j of appeared) {
      const d = Math.hypot((before.x[i] as number) - (after.simX[j] as number), (before.y[i] as number) - (after.simY[j] as number))
      if (d <= maxDistance) pairs.push([d, i, j])
    }
  }
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])
  const usedBefore = new Set<number>()
  const usedAfter = new Set<number>()
  const matched: [number, Entity][] = []
  for (const [, i, j] of pairs) {
    if (usedBefore.has(i) || usedAfter.has(j)) continue
    usedBefore.add(i)
    usedAfter.add(j)
    matched.push([before.keys[i] as number, after.keys[j] as Entity])
  }
  const rejected = ended.filter((i) => !usedBefore.has(i)).map((i) => before.keys[i] as number)
  return { matched, rejected }
}
