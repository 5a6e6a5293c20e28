import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  cameraSize,
  canConsume,
  canSplit,
  hasRoomToSplit,
  isOverlapping,
  massToMaxMoveSpeed,
  massToRadius,
  pointerToDirection,
} from './formulas.js'

describe('formulas', () => {
  it('radius is the square root of mass', () => {
    expect(massToRadius(15)).toBeCloseTo(3.873, 3)
    expect(massToRadius(100)).toBe(10)
  })

  it('max move speed is 10 at start mass and falls with mass', () => {
    expect(massToMaxMoveSpeed(15)).toBe(10)
    expect(massToMaxMoveSpeed(60)).toBeCloseTo(20 / 3, 10)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (m) => massToMaxMoveSpeed(m + 1) < massToMaxMoveSpeed(m)),
      { numRuns: 100 },
    )
  })

  it('overlap means the smaller centre is inside the bigger circle', () => {
    expect(isOverlapping(0, 0, 16, 4, 0, 2)).toBe(true)
    expect(isOverlapping(0, 0, 16, 4.01, 0, 2)).toBe(false)
    expect(isOverlapping(4, 0, 2, 0, 0, 16)).toBe(true)
  })

  it('a circle eats below the 0.85 mass ratio only', () => {
    expect(canConsume(84, 100)).toBe(true)
    expect(canConsume(85, 100)).toBe(false)
    expect(canConsume(100, 84)).toBe(false)
  })

  it('split needs mass 60 and fewer than 16 circles', () => {
    expect(canSplit(59)).toBe(false)
    expect(canSplit(60)).toBe(true)
    expect(hasRoomToSplit(15)).toBe(true)
    expect(hasRoomToSplit(16)).toBe(false)
  })

  it('camera size grows with mass up to 50 and by 30 once split', () => {
    expect(cameraSize(15, 1)).toBe(53)
    expect(cameraSize(1000, 1)).toBe(100)
    expect(cameraSize(15, 2)).toBe(83)
    expect(cameraSize(15, 9)).toBe(83)
    expect(cameraSize(0, 0)).toBe(50)
  })

  it('pointer direction is relative to the screen centre over a third of the height', () => {
    expect(pointerToDirection(400, 300, 800, 600)).toEqual({ dirX: 0, dirY: 0 })
    expect(pointerToDirection(600, 100, 800, 600)).toEqual({ dirX: 1, dirY: -1 })
  })
})
