import { describe, expect, it } from 'vitest'
import { InputToDisplay } from './input-to-display.js'

describe('InputToDisplay', () => {
  it('counts a predicted input as shown by the next frame', () => {
    const m = new InputToDisplay()
    m.sent(3, 4, 1000, true)
    m.frame(1000, 100, 50)
    expect(m.samples).toEqual([])
    m.frame(1012, 100, 50)
    expect(m.samples).toEqual([12])
  })

  it('counts an interpolated input as shown when the render time reaches the state that includes it', () => {
    const m = new InputToDisplay()
    m.sent(0.5, 0, 1000, false)
    m.sent(0, 2, 1020, false)
    m.frame(1100, 100, 50)
    m.stateApplied(0, 1, 1170) // the second input's direction: both are included
    m.frame(1200, 100, 50)
    expect(m.samples).toEqual([])
    m.frame(1220, 100, 50) // render time 1120 = 1170 − one tick
    expect(m.samples).toEqual([220, 200])
  })

  it('recognises a direction the replica holds rounded to 1/256, and not a neighbouring one', () => {
    const m = new InputToDisplay()
    m.sent(0.6, 0.8, 1000, false)
    m.stateApplied(Math.round(0.6 * 256) / 256 + 1 / 256, Math.round(0.8 * 256) / 256, 1100) // one step off
    m.frame(1300, 100, 50)
    expect(m.samples).toEqual([])
    m.stateApplied(Math.round(0.6 * 256) / 256, Math.round(0.8 * 256) / 256, 1150)
    m.frame(1300, 100, 50)
    expect(m.samples).toEqual([300])
  })
})
