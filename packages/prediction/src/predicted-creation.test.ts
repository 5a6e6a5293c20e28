import { describe, expect, it } from 'vitest'
import type { PredictedBody } from './prediction-model.js'
import { NetworkSim, T0, TICK_MS } from './test-utils/network-sim.js'

interface Drawn {
  readonly key: number
  readonly x: number
  readonly y: number
  readonly opacity: number
}

function frame(sim: NetworkSim): Drawn[] {
  return sim.predictor.display(sim.now).map((b: PredictedBody) => ({ key: b.key, x: b.x, y: b.y, opacity: b.opacity }))
}

/** Largest distance from a body drawn in `after` to the nearest body drawn in `before`, world units. */
function largestJump(before: readonly Drawn[], after: readonly Drawn[]): number {
  let worst = 0
  for (const a of after) {
    let nearest = Number.POSITIVE_INFINITY
    for (const b of before) nearest = Math.min(nearest, Math.hypot(a.x - b.x, a.y - b.y))
    worst = Math.max(worst, nearest)
  }
  return worst
}

/** A split sent at 150 ms RTT, then 300 ms of 2 ms frames (so one frame moves a body at most 0.8 world units). */
function splitUnder150msRtt(leadTicks: number, serverRejects: boolean) {
  const sim = new NetworkSim({
    leadTicks,
    initialMass: 64,
    predictor: { smoothing: { durationMs: 100, snapDistance: 200 } },
    serverRule: (input) => (serverRejects && input.kind === 'split' ? 'reject' : input),
  })
  sim.downDelays(() => 75)
  sim.runTo(T0 + 500)
  sim.send({ kind: 'steer', dirX: 0, dirY: 1 }, 75)
  sim.runTo(sim.now + 200)
  const seq = sim.send({ kind: 'split' }, 75)
  const firstFrame = frame(sim)
  const frames: Drawn[][] = [firstFrame]
  let ackFrame = -1
  for (let i = 0; i < 150; i++) {
    sim.runTo(sim.now + 2, 2)
    frames.push(frame(sim))
    if (ackFrame < 0 && (sim.predictor.acknowledged ?? 0) >= seq) ackFrame = frames.length - 1
  }
  return { sim, firstFrame, frames, ackFrame }
}

describe('predicted creation', () => {
  for (const [name, lead] of [
    ['with the lead matching the trip', 75 / TICK_MS],
    ['with a lead one tick short', 75 / TICK_MS - 1],
    ['with a lead one tick long', 75 / TICK_MS + 1],
  ] as const) {
    it(`shows a split at once and hands each circle to the server's entity without a jump or a duplicate (${name})`, () => {
      const { sim, firstFrame, frames, ackFrame } = splitUnder150msRtt(lead, false)
      // The first frame after the input already draws two bodies, one under a local key.
      expect(firstFrame.length).toBe(2)
      expect(firstFrame.some((b) => b.key < 0)).toBe(true)
      expect(ackFrame).toBeGreaterThan(0)
      const serverUnits = sim.serverStateAt(sim.serverTick).length
      expect(serverUnits).toBe(2)
      for (let i = 1; i < frames.length; i++) {
        const f = frames[i] as Drawn[]
        // Never a duplicate and nothing fading: exactly the player's circles, each matched.
        expect(f.length).toBe(2)
        expect(f.every((b) => b.opacity === 1)).toBe(true)
        // Continuity: at most one frame of movement (20 world units per tick at most → 0.8 per 2 ms frame).
        expect(largestJump(frames[i - 1] as Drawn[], f)).toBeLessThan(1)
      }
      // After the hand-over, only the server's entities are drawn.
      expect((frames.at(-1) as Drawn[]).every((b) => b.key > 0)).toBe(true)
    })
  }

  it('fades out a creation the server rejected, and keeps the circle the server has', () => {
    const { frames, ackFrame } = splitUnder150msRtt(75 / TICK_MS, true)
    expect((frames[0] as Drawn[]).length).toBe(2)
    const afterAck = frames[ackFrame] as Drawn[]
    expect(afterAck.filter((b) => b.opacity === 1).length).toBe(1)
    const fading = afterAck.filter((b) => b.opacity < 1)
    expect(fading.length).toBe(1)
    expect((fading[0] as Drawn).key).toBeLessThan(0)
    // 100 ms later (the smoothing time) it is gone.
    const later = frames[ackFrame + 51] as Drawn[]
    expect(later.length).toBe(1)
  })
})
