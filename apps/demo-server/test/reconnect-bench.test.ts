import { describe, expect, it } from 'vitest'
import { measureReconnects } from '../bench/reconnect-bench.js'

// The short version of `pnpm bench:reconnect`: a few cuts each way, checking what the figures count.
describe('bench:reconnect, short', () => {
  it('resumes every cut when the server keeps sessions, and re-syncs every cut when it does not', async () => {
    // No bots here: the suite runs beside timing-sensitive tests, and the counts need no traffic.
    const resumed = await measureReconnects({ rttMs: 0, resume: true, cuts: 3, bots: 0 })
    expect(resumed).toMatchObject({ resumed: 3, fresh: 0 })
    expect(resumed.p99Ms).toBeGreaterThan(0)
    const fresh = await measureReconnects({ rttMs: 0, resume: false, cuts: 3, bots: 0 })
    expect(fresh).toMatchObject({ resumed: 0, fresh: 3 })
    expect(fresh.payloadBytesP50).toBeGreaterThan(0)
  }, 60_000)
})
