import { describe, expect, it } from 'vitest'
import { PredictionMetrics } from './metrics.js'

describe('PredictionMetrics', () => {
  it('counts mispredictions per second over the window and the share of mispredicted inputs', () => {
    const m = new PredictionMetrics({ rateWindowMs: 1000 })
    expect(m.recordCorrection(0.5, 0.01, 100)).toBe(true)
    expect(m.recordCorrection(0.001, 0.01, 200)).toBe(false)
    m.recordCorrection(2, 0.01, 900)
    m.recordAcknowledged(150, true)
    m.recordAcknowledged(170, false)
    m.recordAcknowledged(160, false)
    m.recordAcknowledged(400, false)
    const s = m.snapshot(1050)
    expect(s.mispredictionsPerSecond).toBe(2)
    expect(m.snapshot(1950).mispredictionsPerSecond).toBe(0)
    expect(s.mispredictionRate).toBe(0.25)
    expect(s.correctionP50).toBe(0.5)
    expect(s.correctionP95).toBe(2)
    expect(s.inputToAckMsP50).toBe(160)
    expect(s.inputToAckMsP95).toBe(400)
  })

  it('reports zeros before any sample', () => {
    const s = new PredictionMetrics().snapshot(0)
    expect(s).toMatchObject({ mispredictionRate: 0, correctionP95: 0, inputToAckMsP50: 0, interpolationBufferDepth: 0 })
  })
})
