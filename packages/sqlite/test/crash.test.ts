import { describe, expect, it } from 'vitest'
import { runCrashTest } from './crash/harness.js'

// The short run of the SIGKILL crash test; `pnpm test:crash` runs it with 24 kills.
describe('SIGKILL crash test (short)', () => {
  it('after each of 3 kills under load, every durable transfer is present, recovery equals the log replay, no half transaction', async () => {
    const results = await runCrashTest(3, 7)
    expect(results.map((r) => r.kill)).toEqual([1, 2, 3])
    expect(results.at(-1)?.durableAcked).toBeGreaterThan(0)
    for (let k = 1; k < results.length; k++) expect(results[k]?.lastSeq).toBeGreaterThanOrEqual(results[k - 1]?.lastSeq ?? 0)
  }, 60_000)
})
