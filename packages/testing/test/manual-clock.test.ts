import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../src/index.js'

describe('ManualClock', () => {
  it('fires exactly the timers that fall due, in deadline order, at their deadline', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 200 }), { maxLength: 20 }), fc.integer({ min: 0, max: 250 }), (delays, by) => {
        const clock = new ManualClock()
        const fired: [index: number, at: number][] = []
        delays.forEach((delay, i) => {
          clock.setTimeout(() => fired.push([i, clock.now()]), delay)
        })
        clock.advance(by)
        const due = delays
          .map((delay, i) => [i, Math.max(0, delay)] as [number, number])
          .filter(([, at]) => at <= by)
          .sort((a, b) => a[1] - b[1] || a[0] - b[0])
        expect(fired).toEqual(due)
        expect(clock.now()).toBe(by)
        expect(clock.pending).toBe(delays.length - due.length)
      }),
    )
  })

  it('fires a timer set by a firing timer when it falls due before the end, and never a cleared one', () => {
    const clock = new ManualClock()
    const fired: string[] = []
    clock.setTimeout(() => {
      fired.push('first')
      clock.setTimeout(() => fired.push('second'), 10)
    }, 10)
    const cleared = clock.setTimeout(() => fired.push('cleared'), 5)
    clock.clearTimeout(cleared)
    clock.advance(19)
    expect(fired).toEqual(['first'])
    clock.advance(1)
    expect(fired).toEqual(['first', 'second'])
    expect(() => clock.advance(-1)).toThrow(RangeError)
  })
})
