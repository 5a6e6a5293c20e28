import { describe, expect, it } from 'vitest'
import { entitySlot, PlanMarks } from './plan-marks.js'

describe('PlanMarks', () => {
  it('keeps values per plan, and two entities of one index apart', () => {
    const marks = new PlanMarks()
    const old = 5
    const reborn = (1 << 22) | 5
    marks.set(entitySlot(old), old, 0, 1)
    marks.set(entitySlot(reborn), reborn, 1, 1)
    expect(marks.get(entitySlot(old), old, 1)).toBe(0)
    expect(marks.get(entitySlot(reborn), reborn, 1)).toBe(1)
    // A later plan sees nothing of an earlier one.
    expect(marks.get(entitySlot(old), old, 2)).toBeUndefined()
    expect(marks.get(entitySlot(reborn), reborn, 2)).toBeUndefined()
    marks.set(entitySlot(reborn), reborn, 0, 2)
    expect(marks.get(entitySlot(reborn), reborn, 2)).toBe(0)
    expect(marks.get(entitySlot(old), old, 2)).toBeUndefined()
  })

  it('grows to any slot', () => {
    const marks = new PlanMarks()
    marks.set(100_000, 100_000, 7, 3)
    expect(marks.get(100_000, 100_000, 3)).toBe(7)
    expect(marks.get(99_999, 99_999, 3)).toBeUndefined()
  })
})
