import { describe, expect, it } from 'vitest'
import { RenderState } from './render-state.js'

describe('RenderState', () => {
  it('draws a body 100 ms in the past, between the two server positions around that time', () => {
    const s = new RenderState()
    expect(s.interpolationDelayMs).toBe(100)
    s.upsert(1, 0, 0, 16, 0)
    s.upsert(1, 10, 20, 16, 50)
    s.advance(100, 16)
    expect(s.bodies.get(1)).toMatchObject({ x: 0, y: 0 })
    s.advance(125, 16)
    expect(s.bodies.get(1)).toMatchObject({ x: 5, y: 10 })
    s.advance(150, 16)
    expect(s.bodies.get(1)).toMatchObject({ x: 10, y: 20 })
  })

  it('extrapolates at most 100 ms when updates are late, then holds', () => {
    const s = new RenderState()
    s.upsert(1, 0, 0, 16, 0)
    s.upsert(1, 10, 20, 16, 50)
    s.advance(175, 16)
    expect(s.bodies.get(1)).toMatchObject({ x: 15, y: 30 })
    s.advance(1000, 16)
    expect(s.bodies.get(1)).toMatchObject({ x: 30, y: 60 })
  })

  it('shows a new body at once where the server put it', () => {
    const s = new RenderState()
    s.upsert(1, 30, 40, 16, 500)
    s.advance(500, 16)
    expect(s.bodies.get(1)).toMatchObject({ x: 30, y: 40 })
  })

  it('eases the radius toward the mass', () => {
    const s = new RenderState()
    s.upsert(1, 0, 0, 16, 0)
    s.upsert(1, 0, 0, 100, 0)
    s.advance(10, 62.5)
    expect(s.bodies.get(1)?.radius).toBeCloseTo(7, 9)
  })

  it('slides an eaten body into its eater over 200 ms, whatever order the delete and the event come in', () => {
    for (const eventFirst of [true, false]) {
      const s = new RenderState()
      s.upsert(1, 0, 0, 4, 0)
      s.upsert(2, 100, 0, 100, 0)
      if (eventFirst) s.consumed(1, 2)
      s.remove(1, 0)
      if (!eventFirst) s.consumed(1, 2)
      expect(s.bodies.has(1)).toBe(false)
      s.advance(100, 16)
      expect(s.dying.get(1)).toMatchObject({ x: 50, y: 0, radius: 1 })
      s.advance(200, 16)
      expect(s.dying.has(1)).toBe(false)
    }
  })

  it('shrinks a removed body in place when nothing ate it', () => {
    const s = new RenderState()
    s.upsert(1, 30, 40, 16, 0)
    s.remove(1, 0)
    s.advance(150, 16)
    expect(s.dying.get(1)).toMatchObject({ x: 30, y: 40, radius: 1 })
  })
})
