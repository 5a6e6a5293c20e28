import { type BehaviorPool, createBehaviorPool } from '@orrery/behaviors'
import { Body, Circle, LeaderboardEntry, liveComponents, loggedOutComponents, Player } from '@orrery/demo-shared'
import { type Component, createWorld, type Entity, type World } from '@orrery/ecs'
import { createMemoryCommitLog, createServer, MODULE_IDENTITY, type OrreryServer, ServerError } from '@orrery/server'
import { replayInto } from '@orrery/server/internal'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { AgentHost } from '../src/agents/agent-host.js'
import { Agent, agentIdentity, Behavior, BehaviorVersion, behaviorComponents } from '../src/agents/behavior-components.js'
import { ENDLESS_LOOP_BEHAVIOR, SAMPLE_BEHAVIORS } from '../src/agents/sample-behaviors.js'
import { serverComponents } from '../src/components.js'
import { VIEW_MODULE_URL } from '../src/agents/world-frame.js'
import { createBlackholioModule } from '../src/module.js'

const ALICE = 'a'.repeat(64)
const BOB = 'b'.repeat(64)
const OPERATOR = 'c'.repeat(64)
const components: readonly Component[] = [...liveComponents, ...loggedOutComponents, ...serverComponents, ...behaviorComponents]

let pool: BehaviorPool
beforeAll(async () => {
  pool = await createBehaviorPool({ threads: 1, limits: { cpuBudgetMs: 20 }, viewModule: VIEW_MODULE_URL })
})
afterAll(() => pool.close())

function codeOf(fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (error) {
    return error instanceof ServerError ? `${error.code} ${(error.cause as { code?: string })?.code ?? ''}`.trim() : String(error)
  }
}

function dump(world: World): Record<string, Array<[Entity, unknown]>> {
  const out: Record<string, Array<[Entity, unknown]>> = {}
  for (const c of components) {
    const rows: Array<[Entity, unknown]> = []
    world.query([c]).forEach((e) => {
      rows.push([e, world.get(e, c)])
    })
    out[c.name] = rows.sort((a, b) => a[0] - b[0])
  }
  return out
}

describe('behaviours as rows of the world', () => {
  it('saving changed code makes a new version, rollback is one call, only the author or an operator may change them', async () => {
    const server = createServer({ module: createBlackholioModule({ operators: [OPERATOR] }), seed: 3, autoStart: false, logger: false })
    try {
      const code = SAMPLE_BEHAVIORS[0]?.code ?? ''
      const save = (who: string, c: string) => server.call('saveBehavior', { name: 'mine', description: 'd', code: c, tags: 'x' }, who)
      expect(save(ALICE, code)).toEqual({ version: 1 })
      expect(save(ALICE, code)).toEqual({ version: 1 })
      expect(save(ALICE, `${code}\n// v2`)).toEqual({ version: 2 })
      expect(codeOf(() => save(BOB, `${code}\n// bob`))).toBe('ERR_REDUCER_FAILED ERR_FORBIDDEN')
      expect(codeOf(() => server.call('rollbackBehavior', { name: 'mine', version: 1 }, BOB))).toBe('ERR_REDUCER_FAILED ERR_FORBIDDEN')
      expect(save(OPERATOR, `${code}\n// v3`)).toEqual({ version: 3 })
      server.call('rollbackBehavior', { name: 'mine', version: 1 }, ALICE)
      const behavior = server.world.findUnique(Behavior, 'name', 'mine') as Entity
      expect(server.world.get(behavior, Behavior)).toMatchObject({ author: ALICE, current: 1, latest: 3, description: 'd', tags: 'x' })
      expect(server.world.findAll(BehaviorVersion, 'behavior', behavior).map((v) => server.world.get(v, BehaviorVersion)?.version).sort()).toEqual([1, 2, 3])
      expect(codeOf(() => save(ALICE, 'function tick() { return eval("1") }'))).toBe('ERR_REDUCER_FAILED ERR_INVALID_BEHAVIOR')
      expect(codeOf(() => save(ALICE, 'function nope() {}'))).toBe('ERR_REDUCER_FAILED ERR_INVALID_BEHAVIOR')
      expect(codeOf(() => server.call('spawnAgent', { name: 'bob-1', behavior: 'mine', version: 0 }, BOB))).toBe('ERR_REDUCER_FAILED ERR_FORBIDDEN')
      server.call('spawnAgent', { name: 'alice-1', behavior: 'mine', version: 2 }, ALICE)
      expect(codeOf(() => server.call('removeAgent', { agent: 'alice-1' }, BOB))).toBe('ERR_REDUCER_FAILED ERR_FORBIDDEN')
      expect(codeOf(() => server.call('agentStatus', { report: [{ agent: 'alice-1', suspended: 'no' }] }, ALICE))).toBe('ERR_REDUCER_FAILED ERR_FORBIDDEN')
      expect(server.history({ identity: ALICE }).map((entry) => entry.origin)).toContain('rollbackBehavior')
    } finally {
      await server.close()
    }
  })
})

/** A match of the sample behaviours on a frozen clock (50 ms a tick), stepped tick by tick: its final world and log. */
async function playMatch(own: BehaviorPool, seed: number, ticks: number): Promise<Record<string, Array<[Entity, unknown]>>> {
  vi.useFakeTimers({ toFake: ['Date'], now: 1_700_000_000_000 })
  const host = new AgentHost({ pool: own })
  const server = createServer({ module: createBlackholioModule({ agents: host }), seed, autoStart: false, logger: false })
  host.attach(server)
  try {
    for (const sample of SAMPLE_BEHAVIORS) server.call('saveBehavior', { ...sample, tags: 'sample' }, MODULE_IDENTITY)
    for (let i = 0; i < 9; i++) {
      const sample = SAMPLE_BEHAVIORS[i % 3]?.name ?? ''
      server.call('spawnAgent', { name: `${sample}-${i}`, behavior: sample, version: 0 }, MODULE_IDENTITY)
    }
    for (let tick = 0; tick < ticks; tick++) {
      vi.advanceTimersByTime(50)
      server.step()
      await host.settled()
      await Promise.resolve()
    }
    expect(host.metrics().calls).toBeGreaterThan(9 * (ticks - 3))
    return dump(server.world)
  } finally {
    await server.close()
    vi.useRealTimers()
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('agents playing Blackholio', () => {
  it('are deterministic: the same seed and clock give the same world, on any worker thread', async () => {
    // Loading an agent again gives it a fresh sandbox: each match starts its behaviours anew.
    const own = await createBehaviorPool({ threads: 2, limits: { cpuBudgetMs: 200 }, viewModule: VIEW_MODULE_URL })
    try {
      const a = await playMatch(own, 21, 25)
      const b = await playMatch(own, 21, 25)
      expect(b).toEqual(a)
      expect((await playMatch(own, 22, 25)).Body).not.toEqual(a.Body)
    } finally {
      await own.close()
    }
  })

  it('play through the reducers as themselves, an endless loop is suspended with its reason, and the log replays to the same world', async () => {
    const log = createMemoryCommitLog()
    const host = new AgentHost({ pool })
    const server: OrreryServer = createServer({ module: createBlackholioModule({ agents: host }), seed: 11, autoStart: false, logger: false, commitLog: log })
    host.attach(server)
    try {
      for (const sample of [...SAMPLE_BEHAVIORS, ENDLESS_LOOP_BEHAVIOR]) server.call('saveBehavior', { ...sample, tags: 'sample' }, MODULE_IDENTITY)
      const names = ['forager', 'hunter', 'wanderer', 'endless-loop']
      for (const [i, behavior] of names.entries()) server.call('spawnAgent', { name: `${behavior}-${i}`, behavior, version: 0 }, MODULE_IDENTITY)
      const forager = server.world.findUnique(Agent, 'name', 'forager-0') as Entity
      const start = server.world.get(server.world.findAll(Circle, 'playerId', forager)[0] as Entity, Body)
      for (let tick = 0; tick < 30; tick++) {
        server.step()
        await host.settled()
        await Promise.resolve()
      }
      const loop = server.world.findUnique(Agent, 'name', 'endless-loop-3') as Entity
      expect(server.world.get(loop, Agent)).toMatchObject({ status: 'suspended', reason: expect.stringMatching(/^interrupted 3 times/) })
      expect(server.world.read(loop, Agent, 'failures')).toBe(3)
      const circle = server.world.findAll(Circle, 'playerId', forager)[0] as Entity
      expect(server.world.read(circle, Circle, 'speed')).toBeGreaterThan(0)
      expect(server.world.get(circle, Body)).not.toEqual(start)
      const inputs = server.history({ identity: agentIdentity('forager-0') }).map((entry) => entry.origin)
      expect(inputs).toContain('updatePlayerInput')
      expect(host.metrics()).toMatchObject({ agents: 3, suspensions: 1, interrupts: 3 })
      const names10 = server.world.query([LeaderboardEntry]).toArray().map((e) => server.world.read(e, LeaderboardEntry, 'name'))
      expect(names10).toEqual(expect.arrayContaining([expect.stringMatching(/^forager-0 · forager v1$/)]))
      expect(server.world.count(Player)).toBe(4)
      const fresh = replayInto(createWorld({ components, seed: 11 }), log.entries(1, server.seq), components)
      expect(dump(fresh)).toEqual(dump(server.world))
    } finally {
      await server.close()
    }
  })
})
