import { deserialize, serialize } from 'node:v8'
import { captureWorld, type Entity, restoreWorld, type World, createWorld } from '@orrery/ecs'
import { type Area, decodeServerMessage } from '@orrery/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ClientView } from './client-view.js'
import { HandleTable } from './handle-table.js'
import { createReplica, type Replica } from './replica.js'
import { createReplicator, type Replicator } from './replicator.js'
import { SubscriptionSet } from './subscription-set.js'
import { SyncError } from './sync-error.js'
import { aoiComponents, Mover, Score, Tag } from './test-utils/fixtures.js'
import { type ViewSpec, viewProblems } from './test-utils/view-check.js'

const HYSTERESIS = 4
const coordinate = fc.integer({ min: -30, max: 30 })
const op = fc.oneof(
  fc.record({ t: fc.constant('create' as const), x: coordinate, y: coordinate, score: fc.boolean() }),
  fc.record({ t: fc.constant('nudge' as const), pick: fc.nat(), dx: fc.integer({ min: -6, max: 6 }), dy: fc.integer({ min: -6, max: 6 }) }),
  fc.record({ t: fc.constant('teleport' as const), pick: fc.nat(), x: coordinate, y: coordinate }),
  fc.record({ t: fc.constant('destroy' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('score' as const), pick: fc.nat(), points: fc.nat(1000) }),
)
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never
const step = fc.oneof(
  { weight: 4, arbitrary: fc.array(op, { minLength: 1, maxLength: 5 }) },
  { weight: 3, arbitrary: fc.constant('flush' as const) },
  { weight: 1, arbitrary: fc.record({ x: coordinate, y: coordinate }) },
  { weight: 1, arbitrary: fc.constant('block' as const) },
)
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never

function run(world: World, o: Op): void {
  if (o.t === 'create') {
    const e = world.create()
    world.add(e, Mover, { x: o.x, y: o.y, heading: 0, hp: 1 })
    world.add(e, Tag, { label: `t${e}`, level: 1 })
    if (o.score) world.add(e, Score, { points: 1, ratio: 0.25 })
    return
  }
  const all = world.query([Mover]).toArray()
  const e = all[o.pick % Math.max(1, all.length)] as Entity | undefined
  if (e === undefined) return
  if (o.t === 'nudge') world.update(e, Mover, { x: world.read(e, Mover, 'x') + o.dx, y: world.read(e, Mover, 'y') + o.dy })
  else if (o.t === 'teleport') world.update(e, Mover, { x: o.x, y: o.y })
  else if (o.t === 'destroy') world.destroy(e)
  else if (world.has(e, Score)) world.update(e, Score, { points: o.points })
}

const areaAt = (x: number, y: number): Area => ({ minX: x, minY: y, maxX: x + 20, maxY: y + 20, margin: 2 })

/** One client's replica, fed with every frame its replicator (the first, then the restored one) sends. */
function follow(replicator: Replicator): { replica: Replica; frames: Uint8Array[]; pump(): void } {
  const replica = createReplica({ components: aoiComponents, schema: { components: replicator.schema, reducers: [] } })
  replica.startSession({ seq: replicator.seq, tick: replicator.flushedTick, serverTime: replicator.flushedTime }, false)
  const frames: Uint8Array[] = []
  let cursor = 0
  return {
    replica,
    frames,
    pump() {
      for (; cursor < frames.length; cursor++) replica.apply(decodeServerMessage(frames[cursor] as Uint8Array))
    },
  }
}

/**
 * Plays steps against a replicator, then hands its world (captured and restored) and its client's state
 * (through `node:v8`, as a server stores it) to a new replicator, and plays the rest there. The client's
 * replica must stay equal to the server's view all along, with no gap.
 */
function playAcrossRestart(before: readonly Step[], after: readonly Step[], budget: number): void {
  let world = createWorld({ components: aoiComponents, seed: 1 })
  const options = { components: aoiComponents, hysteresis: HYSTERESIS, updateBudgetBytes: budget }
  let replicator = createReplicator({ ...options, world })
  const client = follow(replicator)
  let canSend = true
  const sink = { send: (frame: Uint8Array) => client.frames.push(frame), canSend: () => canSend }
  replicator.addClient('c', sink)
  let area = areaAt(0, 0)
  replicator.subscribe('c', 1, 1, ['Mover', 'Tag'], area)
  replicator.subscribe('c', 2, 2, ['Score'], null)
  let tick = 0
  const spec = (): ViewSpec => ({ whole: [Score], area: { components: [Mover, Tag], position: Mover, area, hysteresis: HYSTERESIS } })
  const flush = (): void => {
    replicator.flush(++tick, 1_000 + tick * 50)
    client.pump()
    if (!canSend) return
    const problems = viewProblems(world, client.replica, aoiComponents, spec(), false)
    if (problems.length > 0) throw new Error(problems.slice(0, 5).join('\n'))
  }
  const play = (steps: readonly Step[]): void => {
    for (const s of steps) {
      if (s === 'flush') flush()
      else if (s === 'block') canSend = !canSend
      else if (Array.isArray(s)) {
        const { changes } = world.transaction(() => {
          for (const o of s) run(world, o)
        })
        replicator.commit(changes)
      } else {
        area = areaAt(s.x, s.y)
        replicator.setArea('c', 1, area)
      }
    }
  }
  play(before)
  flush()
  const state = deserialize(serialize(replicator.captureClient('c')))
  const seq = replicator.seq
  world = restoreWorld(captureWorld(world), { components: aoiComponents })
  replicator = createReplicator({ ...options, world, initialSeq: seq, initialTick: tick })
  replicator.addClient('c', sink, state)
  play(after)
  canSend = true
  for (let i = 0; i < 200; i++) flush()
  // Replica.apply throws on a gap: getting here means every update followed the one before.
  expect(viewProblems(world, client.replica, aoiComponents, spec(), true)).toEqual([])
}

describe('client state', () => {
  it('a client handed to a new replicator over the same world goes on exactly: its replica never gaps and converges', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.array(step, { maxLength: 40 }), fc.constantFrom(24, 64, 16_384), (before, after, budget) => {
        playAcrossRestart(before, after, budget)
      }),
      { numRuns: Number(process.env.SYNC_RUNS ?? 60) },
    )
  })

  it('captures every field of the view, its handle table and its subscriptions but their configuration', () => {
    const world = createWorld({ components: aoiComponents })
    const replicator = createReplicator({ world, components: aoiComponents })
    replicator.addClient('c', { send: () => {} })
    const state = replicator.captureClient('c')
    // A field added to these classes must be added to the state (or to their configuration lists).
    const view = new ClientView(() => {}, () => true, null, 3, 16, 3, { seq: 0, tick: 0, time: 0 })
    expect(Object.keys(state?.view ?? {}).sort()).toEqual(
      Object.keys(view)
        .filter((k) => !['send', 'canSend', 'identity', 'tableCount', 'handles', 'subscriptions', 'passed'].includes(k))
        .sort(),
    )
    expect(Object.keys(state?.handles ?? {}).sort()).toEqual(
      Object.keys(new HandleTable(3, 3)).filter((k) => !['tableCount', 'qSlots', 'keepFrequent'].includes(k)).sort(),
    )
    expect(Object.keys(state?.subscriptions ?? {}).sort()).toEqual(Object.keys(new SubscriptionSet(16)).filter((k) => k !== 'maxSubscriptions').sort())
    expect(replicator.captureClient('nobody')).toBeUndefined()
  })

  it('refuses a state taken at another seq or tick, or of another version', () => {
    const world = createWorld({ components: aoiComponents })
    const replicator = createReplicator({ world, components: aoiComponents })
    replicator.addClient('c', { send: () => {} })
    const state = replicator.captureClient('c')
    if (state === undefined) throw new Error('no state')
    const moved = createReplicator({ world, components: aoiComponents, initialSeq: 4 })
    expect(() => moved.addClient('c', { send: () => {} }, state)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }))
    const other = createReplicator({ world, components: aoiComponents })
    expect(() => other.addClient('c', { send: () => {} }, { ...state, version: 99 })).toThrow(SyncError)
    other.addClient('c', { send: () => {} }, state)
    // The same state but for the one flag that makes the first flush look at the whole areas again.
    expect(other.captureClient('c')).toEqual({ ...state, subscriptions: { ...state.subscriptions, areaMoved: true } })
  })
})
