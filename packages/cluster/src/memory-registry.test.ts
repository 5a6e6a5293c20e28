import fc from 'fast-check'
import { expect, it } from 'vitest'
import { createMemoryRegistry } from './memory-registry.js'

it('memory registry: no sequence of joins, reservations, consumes, releases and expiries overbooks a world', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.record({ op: fc.constant('join' as const), seats: fc.integer({ min: 1, max: 4 }), mode: fc.constantFrom('a', 'b') }),
          fc.record({ op: fc.constant('consume' as const), pick: fc.nat(), direct: fc.boolean() }),
          fc.record({ op: fc.constant('release' as const), pick: fc.nat() }),
          fc.record({ op: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 20_000 }) }),
        ),
        { maxLength: 60 },
      ),
      async (ops) => {
        let now = 0
        const registry = createMemoryRegistry({ now: () => now })
        const tickets: { worldId: string; ticket: string }[] = []
        const seated = new Set<string>()
        for (const step of ops) {
          if (step.op === 'join') tickets.push(await registry.joinOrCreate({ kind: 'k', seats: step.seats, filters: { mode: step.mode } }))
          else if (step.op === 'time') now += step.ms
          else if (tickets.length > 0) {
            const t = tickets[step.pick % tickets.length]!
            if (step.op === 'release') {
              await registry.release(t.worldId, t.ticket)
              seated.delete(t.ticket)
            } else {
              const result = await registry.consume(t.worldId, t.ticket, step.direct)
              if (result === 'seated') expect(seated.has(t.ticket)).toBe(true)
              if (result === 'reserved' || result === 'direct') seated.add(t.ticket)
            }
          }
          for (const w of await registry.worlds()) expect(w.taken).toBeLessThanOrEqual(w.seats)
        }
      },
    ),
    { numRuns: 200 },
  )
})
