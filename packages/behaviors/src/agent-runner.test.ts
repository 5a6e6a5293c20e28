import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentRunner } from './agent-runner.js'
import { type BehaviorPool, createBehaviorPool } from './behavior-pool.js'
import type { FailureReason } from './call-outcome.js'

let pool: BehaviorPool
beforeAll(async () => {
  pool = await createBehaviorPool({ threads: 2, limits: { cpuBudgetMs: 10 } })
})
afterAll(() => pool.close())

type Intent = { dirX: number; dirY: number }
const parseIntent = (v: unknown): Intent | { invalid: string } => {
  const o = v as Partial<Intent> | null
  return typeof o?.dirX === 'number' && typeof o.dirY === 'number' ? { dirX: o.dirX, dirY: o.dirY } : { invalid: 'expected { dirX, dirY }' }
}

describe('AgentRunner on worker threads', () => {
  it('intents computed during tick N are taken at tick N + 1; hostile agents fail alone, recorded, and get suspended', async () => {
    const failures: Array<[string, FailureReason]> = []
    const suspended: Array<[string, string]> = []
    const runner = new AgentRunner<Intent>({
      pool,
      parseIntent,
      offencesToSuspend: 2,
      onFailure: (agent, reason) => failures.push([agent, reason]),
      onSuspend: (agent, reason) => suspended.push([agent, reason]),
    })
    runner.add('good', 'function tick(v) { return { dirX: v.x, dirY: Math.random() } }')
    runner.add('loop', 'function tick() { for (;;) {} }')
    runner.add('bad', 'function tick() { return { dirX: "left" } }')
    runner.add('thrower', 'function tick() { throw Symbol("no") }')
    const agents = ['good', 'loop', 'bad', 'thrower']
    for (let tick = 1; tick <= 3; tick++) {
      const taken = runner.take(tick)
      if (tick > 1) expect(taken).toEqual([{ agent: 'good', tick: tick - 1, intent: { dirX: tick - 1, dirY: expect.any(Number) } }])
      expect(runner.dispatch(tick, agents.map((agent) => ({ agent, input: JSON.stringify({ x: tick }), seed: tick, now: 0 })))).toBe(true)
      expect(runner.take(tick)).toEqual([])
      await runner.settled()
    }
    expect(failures.filter(([a]) => a === 'bad').map(([, r]) => r)).toEqual(['invalid-intent', 'invalid-intent', 'invalid-intent'])
    expect(failures.filter(([a]) => a === 'thrower').map(([, r]) => r)).toEqual(['threw', 'threw', 'threw'])
    expect(failures.filter(([a]) => a === 'loop').map(([, r]) => r)).toEqual(['interrupted', 'interrupted'])
    expect(suspended).toEqual([['loop', expect.stringMatching(/^interrupted 2 times/)]])
    expect(runner.suspension('loop')).toMatch(/interrupted/)
    const m = runner.metrics()
    expect(m).toMatchObject({ agents: 4, suspended: 1, calls: 11, interrupts: 2, suspensions: 1 })
    expect(m.budgetP99Ms).toBeGreaterThanOrEqual(10)
  })

  it('never queues a second batch: a tick whose previous batch still runs is skipped, and its results come a tick late', async () => {
    const runner = new AgentRunner<Intent>({ pool, parseIntent })
    runner.add('slow', 'function tick() { let i = 0; while (i < 1e5) i++; return { dirX: 1, dirY: 0 } }')
    const call = { agent: 'slow', input: '{}', seed: 1, now: 0 }
    expect(runner.dispatch(1, [call])).toBe(true)
    expect(runner.busy).toBe(true)
    expect(runner.dispatch(2, [call])).toBe(false)
    await runner.settled()
    expect(runner.take(3)).toEqual([{ agent: 'slow', tick: 1, intent: { dirX: 1, dirY: 0 } }])
    expect(runner.metrics()).toMatchObject({ skippedBatches: 1, lateIntents: 1 })
  })

  it('gives the same intents for the same views, seeds and times on any thread', async () => {
    const code = 'function tick(v) { return { dirX: Math.random() * v.k, dirY: Date.now() } }'
    const runs: unknown[] = []
    for (const threads of [1, 2]) {
      const own = await createBehaviorPool({ threads })
      const runner = new AgentRunner<Intent>({ pool: own, parseIntent })
      const agents = ['a', 'b', 'c']
      for (const agent of agents) runner.add(agent, code)
      runner.dispatch(5, agents.map((agent, k) => ({ agent, input: JSON.stringify({ k }), seed: 11 * k, now: 1000 + k })))
      await runner.settled()
      runs.push(runner.take(6))
      await own.close()
    }
    expect(runs[0]).toHaveLength(3)
    expect(runs[1]).toEqual(runs[0])
  })
})
