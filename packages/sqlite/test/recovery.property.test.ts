import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { dumpWorld, persistentServer, tempDir } from './fixtures.js'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

type Op = ['spawn', number] | ['grow', number] | ['leave'] | ['step']

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(fc.constant('spawn' as const), fc.nat(99)),
  fc.tuple(fc.constant('grow' as const), fc.integer({ min: 1, max: 9 })),
  fc.constant(['leave'] as Op),
  fc.constant(['step'] as Op),
)

describe('recovery, as a property', () => {
  it('a server that stops without closing, at any point, restarts with the world as of its last group commit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), fc.integer({ min: 3, max: 30 }), async (ops, every) => {
        const t = tempDir()
        cleanups.push(t.cleanup)
        // inline writer: each step() returns with its group on disk, like a server killed right after
        const live = persistentServer(t.dir, { writer: 'inline', snapshotEveryTransactions: every, keepSnapshots: 2 })
        let durableState = dumpWorld(live.server.world)
        let durableSeq = 0
        for (const o of ops) {
          if (o[0] === 'spawn') live.server.call('spawn', { name: `n${o[1]}` }, 'b'.repeat(64))
          else if (o[0] === 'grow') live.server.call('grow', { amount: o[1] })
          else if (o[0] === 'leave') live.server.call('leave', {})
          else {
            live.server.step()
            durableState = dumpWorld(live.server.world)
            durableSeq = live.server.seq
          }
        }
        // no close(): what is on disk is what the group commits wrote
        const again = persistentServer(t.dir)
        try {
          expect(again.server.recoveredSeq).toBe(durableSeq)
          expect(dumpWorld(again.server.world)).toEqual(durableState)
        } finally {
          await again.server.close()
          live.log.store.close()
        }
      }),
      { numRuns: 25 },
    )
  })
})
