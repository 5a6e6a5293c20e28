import { describe, expect, it } from 'vitest'
import { chooseDirection } from './steering.js'

describe('chooseDirection', () => {
  it('heads for the nearest food', () => {
    const s = chooseDirection({
      own: [{ x: 500, y: 500, mass: 15 }],
      others: [],
      food: [
        { x: 600, y: 500, mass: 2 },
        { x: 500, y: 480, mass: 3 },
      ],
    })
    expect(s.goal).toBe('food')
    expect(s.dirX).toBeCloseTo(0, 9)
    expect(s.dirY).toBeCloseTo(-1, 9)
  })

  it('flees a circle that can eat it, before any food', () => {
    const s = chooseDirection({
      own: [{ x: 500, y: 500, mass: 15 }],
      others: [{ x: 540, y: 500, mass: 100 }],
      food: [{ x: 520, y: 500, mass: 2 }],
    })
    expect(s.goal).toBe('flee')
    expect(s.dirX).toBeLessThan(0)
  })

  it('chases a circle it can eat', () => {
    const s = chooseDirection({
      own: [{ x: 500, y: 500, mass: 100 }],
      others: [{ x: 500, y: 530, mass: 20 }],
      food: [{ x: 400, y: 500, mass: 2 }],
    })
    expect(s.goal).toBe('chase')
    expect(s.dirY).toBeCloseTo(1, 9)
  })

  it('leaves a small circle alone beyond the chase radius', () => {
    const s = chooseDirection({
      own: [{ x: 500, y: 500, mass: 100 }],
      others: [{ x: 500, y: 600, mass: 20 }],
      food: [{ x: 400, y: 500, mass: 2 }],
    })
    expect(s.goal).toBe('food')
    expect(s.dirX).toBeCloseTo(-1, 9)
  })

  it('ignores a circle of similar mass and steers in from the edge', () => {
    const s = chooseDirection({
      own: [{ x: 10, y: 500, mass: 50 }],
      others: [{ x: 40, y: 500, mass: 48 }],
      food: [{ x: 10, y: 400, mass: 2 }],
    })
    expect(s.goal).toBe('food')
    expect(s.dirX).toBeGreaterThan(0)
    expect(Math.hypot(s.dirX, s.dirY)).toBeCloseTo(1, 9)
  })

  it('idles with nothing around', () => {
    expect(chooseDirection({ own: [{ x: 1, y: 1, mass: 15 }], others: [], food: [] }).goal).toBe('idle')
    expect(chooseDirection({ own: [], others: [], food: [] })).toEqual({ dirX: 0, dirY: 0, goal: 'idle' })
  })
})
