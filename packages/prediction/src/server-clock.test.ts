import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PredictionError } from './errors.js'
import { ServerClock } from './server-clock.js'

describe('ServerClock', () => {
  it('estimates the offset from the median one-way sample plus half the RTT', () => {
    const clock = new ServerClock({ tickRateHz: 20, window: 3 })
    // True offset 10 000 ms; one-way delays 40, 50 and a retransmitted 250; RTT 100.
    clock.observe(10_000, 1, 40, 100)
    clock.observe(10_050, 2, 100, 100)
    clock.observe(10_100, 3, 350, 100)
    expect(clock.offsetMs).toBe(10_000)
    expect(clock.serverNow(200)).toBe(10_200)
    expect(clock.tickTime(10_125)).toBe(3.5)
    expect(clock.predictedTick(200, 100)).toBe(6)
    // Rendering runs behind the newest state received (median one-way 50 ms), not behind the server's now.
    expect(clock.receiveOffsetMs).toBe(9950)
    expect(clock.renderTime(200, 100)).toBe(10_050)
  })

  it('is not biased by symmetric jitter', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -10, max: 10 }), { minLength: 31, maxLength: 31 }), (jitter) => {
        const clock = new ServerClock({ window: 31 })
        const sorted = [...jitter].sort((a, b) => a - b)
        jitter.forEach((j, i) => {
          clock.observe(5000 + i * 50, i, i * 50 + 75 + j, 150)
        })
        // The estimate is off by the median jitter only.
        expect(clock.offsetMs).toBe(5000 - (sorted[15] as number))
      }),
    )
  })

  it('takes the tick schedule from the least-late update', () => {
    const clock = new ServerClock({ tickRateHz: 20 })
    clock.observe(10_007, 200, 0, 0) // tick 200 ran 7 ms late
    clock.observe(10_051, 201, 50, 0) // tick 201 ran 1 ms late
    expect(clock.tickTime(10_051)).toBe(201)
    expect(clock.tickTime(10_001)).toBe(200)
  })

  it('refuses margins that leave no room', () => {
    const clock = new ServerClock()
    expect(() => clock.sendDelayMs(0, 0, 0.6, 0.6)).toThrow(PredictionError)
  })

  it('holds an input until it lands inside the margins of the predicted tick interval', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        (localNow, early, late) => {
          const clock = new ServerClock({ tickRateHz: 20 })
          clock.observe(10_000, 200, 0, 0)
          const delay = clock.sendDelayMs(localNow, 0, early, late)
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThanOrEqual((early + late) * 50 + 1e-6)
          const predicted = Math.floor(clock.predictedTick(localNow, 0, late)) + 1
          const arrival = clock.predictedTick(localNow + delay, 0)
          const phase = arrival - Math.floor(arrival)
          expect(Math.floor(arrival) + 1).toBe(predicted)
          expect(phase).toBeGreaterThanOrEqual(early - 1e-6)
          expect(phase).toBeLessThanOrEqual(1 - late + 1e-6)
        },
      ),
    )
  })

  it('keeps the median of the recent round trips', () => {
    const clock = new ServerClock({ window: 3, minRttSamples: 2 })
    clock.observeRtt(150)
    expect(clock.rttMs).toBeUndefined()
    for (const rtt of [400, 140, 160]) clock.observeRtt(rtt)
    expect(clock.rttMs).toBe(160)
  })

  it('forgets samples older than the window', () => {
    const clock = new ServerClock({ window: 1 })
    clock.observe(1000, 1, 0, 0)
    clock.observe(1050, 2, 100, 0)
    expect(clock.offsetMs).toBe(950)
  })
})
