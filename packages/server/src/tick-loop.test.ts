import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FakeClock } from './test-utils/fake-clock.js'
import { TickLoop } from './tick-loop.js'

function makeLoop(clock: FakeClock, periodMs: number, maxCatchUpTicks = 4, onTick: () => void = () => {}) {
  const times: number[] = []
  const errors: unknown[] = []
  const loop = new TickLoop({
    periodMs,
    maxCatchUpTicks,
    clock,
    onTick: () => {
      times.push(clock.now())
      onTick()
    },
    onError: (e) => errors.push(e),
  })
  return { loop, times, errors }
}

describe('TickLoop', () => {
  it('runs exactly one tick per period on an absolute schedule', () => {
    const clock = new FakeClock()
    const { loop, times } = makeLoop(clock, 50)
    loop.start()
    clock.advance(1000)
    expect(times).toHaveLength(20)
    expect(times).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 50))
    loop.stop()
    expect(clock.pending).toBe(0)
  })

  it('does not drift when every wake-up is late by less than a period', () => {
    const clock = new FakeClock()
    const { loop, times } = makeLoop(clock, 50)
    loop.start()
    // Each timer fires 7 ms late; a relative scheduler would accumulate 7 ms per tick.
    clock.advance(10_000, () => 7)
    loop.stop()
    expect(times).toHaveLength(200)
    for (const [i, t] of times.entries()) {
      expect(t).toBeGreaterThanOrEqual((i + 1) * 50)
      expect(t).toBeLessThan((i + 1) * 50 + 50)
    }
  })

  it('catches up missed ticks back to back, capped at maxCatchUpTicks, and counts the skipped ones', () => {
    const clock = new FakeClock()
    const { loop, times } = makeLoop(clock, 10, 3)
    loop.start()
    clock.advance(10)
    expect(times).toHaveLength(1)
    // The event loop stalls: the next wake-up comes 95 ms late (tick slots 2..10 are due).
    clock.advance(95, () => 85)
    expect(times.length).toBe(4)
    expect(loop.skipped).toBe(6)
    loop.stop()
  })

  it('keeps the tick count equal to elapsed/period for any pattern of lateness below the catch-up cap', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 39 }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 3000 }), (lates, duration) => {
        const clock = new FakeClock()
        const { loop, times } = makeLoop(clock, 20, 4)
        let i = 0
        loop.start()
        clock.advance(duration, () => lates[i++ % lates.length] as number)
        loop.stop()
        const expected = Math.floor(duration / 20)
        // Ticks whose wake-up is still pending (late) at the end may be missing, at most 2 slots.
        expect(times.length).toBeLessThanOrEqual(expected)
        expect(times.length).toBeGreaterThanOrEqual(expected - 2)
        expect(loop.skipped).toBe(0)
      }),
      { numRuns: 100 },
    )
  })

  it('reports a throwing tick and keeps going', () => {
    const clock = new FakeClock()
    let n = 0
    const { loop, times, errors } = makeLoop(clock, 10, 4, () => {
      n++
      if (n === 2) throw new Error('boom')
    })
    loop.start()
    clock.advance(50)
    loop.stop()
    expect(times).toHaveLength(5)
    expect(errors).toHaveLength(1)
  })

  it('stop() cancels the pending timer and start() is idempotent', () => {
    const clock = new FakeClock()
    const { loop, times } = makeLoop(clock, 10)
    loop.start()
    loop.start()
    expect(clock.pending).toBe(1)
    loop.stop()
    expect(loop.isRunning).toBe(false)
    clock.advance(100)
    expect(times).toHaveLength(0)
  })
})
