import type { Entity } from '@orrery/ecs'
import { describe, expect, it } from 'vitest'
import { HandleEntities } from './handle-entities.js'

/** Entity `index` at `version` (22 index bits, as `@orrery/ecs` packs ids). */
const entity = (index: number, version: number): Entity => (version * 2 ** 22 + index) as Entity

describe('HandleEntities', () => {
  it('maps handles to entities and back, through growth', () => {
    const h = new HandleEntities()
    h.set(1, entity(5, 0))
    h.set(300, entity(70_000, 2))
    expect(h.get(300)).toBe(entity(70_000, 2))
    expect(h.handleOf(entity(70_000, 2))).toBe(300)
    expect(h.handleOf(entity(70_000, 1))).toBeUndefined()
    h.delete(1)
    expect(h.get(1)).toBeUndefined()
    expect(h.handleOf(entity(5, 0))).toBeUndefined()
  })

  it('keeps two generations of one index bound at once apart, released in either order', () => {
    for (const olderFirst of [true, false]) {
      const h = new HandleEntities()
      const older = entity(9, 1)
      const newer = entity(9, 2)
      h.set(3, older)
      h.set(4, newer)
      expect(h.handleOf(older)).toBe(3)
      expect(h.handleOf(newer)).toBe(4)
      h.delete(olderFirst ? 3 : 4)
      expect(h.handleOf(older)).toBe(olderFirst ? undefined : 3)
      expect(h.handleOf(newer)).toBe(olderFirst ? 4 : undefined)
      h.delete(olderFirst ? 4 : 3)
      expect(h.handleOf(older)).toBeUndefined()
      expect(h.handleOf(newer)).toBeUndefined()
    }
  })

  it('forgets everything on clear', () => {
    const h = new HandleEntities()
    h.set(3, entity(9, 1))
    h.set(4, entity(9, 2))
    h.clear()
    expect(h.get(3)).toBeUndefined()
    expect(h.handleOf(entity(9, 1))).toBeUndefined()
    expect(h.handleOf(entity(9, 2))).toBeUndefined()
  })
})
