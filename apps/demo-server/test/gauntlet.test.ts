import { describe, expect, it } from 'vitest'
import { runFuzz } from '../src/gauntlet/fuzz-run.js'
import { runSoak } from '../src/gauntlet/soak-run.js'

// Short versions of `pnpm fuzz` and `pnpm soak` (each starts a server, bots and attackers or clients in
// processes of their own), kept small so that they load the machine little while other tests run; the long
// ones are commands of their own.
describe('the gauntlet, short', () => {
  it('fuzz: hostile frames from many connections crash nothing and disconnect no honest client', async () => {
    const report = await runFuzz({ frames: 800, seed: 7, bots: 1, baselineSec: 1, workers: 4 })
    expect(report.framesSent).toBeGreaterThanOrEqual(800)
    expect(report.serverCrashes).toBe(0)
    expect(report.unhandledErrors).toBe(0)
    expect(report.honestDisconnects).toBe(0)
    expect(report.honestPingP99Ms).not.toBeNull()
    // The server closed hostile connections with its documented codes.
    expect(Object.keys(report.closeCodes).some((code) => ['4000', '4004', '4008', '1009'].includes(code))).toBe(true)
  }, 120_000)

  it('soak: players connecting, playing and leaving leave no connection or handle behind', async () => {
    const report = await runSoak({ minutes: 0.05, clients: 6, seed: 3, resumeGraceMs: 1000 })
    expect(report.cycles).toBeGreaterThan(0)
    expect(report.serverCrashes).toBe(0)
    expect(report.unhandledErrors).toBe(0)
    expect(report.connectionsAfter).toBe(0)
    // Handles are counted once the sessions of dropped sockets have ended their grace period (their timers).
    expect(report.detachedSessionsAfter).toBe(0)
    expect(report.leakedHandles).toBe(0)
  }, 120_000)
})
