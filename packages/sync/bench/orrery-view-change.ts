import { createWorld, type Entity, type Field } from '@orrery/ecs'
import type { Area } from '@orrery/protocol'
import { createReplicator } from '../src/replicator.js'
import { type CodecCase, meanBytes } from './codec-case.js'
import { Body, components, encodeOp, recordFrames, replayOp, TICK_MS } from './replay.js'
import { GROUP_BOX, GROUP_OFFSET, VIEW_CYCLE, type ViewGroups } from './view-change.js'

/** Frames the client path applies before it starts a fresh session and replays them. */
const REPLAY = 100 * VIEW_CYCLE

/** The area of group `g` (a margin of 16, as a camera's). */
function groupArea(g: number): Area {
  const dx = g * GROUP_OFFSET
  return { minX: GROUP_BOX.minX + dx, minY: GROUP_BOX.minY, maxX: GROUP_BOX.maxX + dx, maxY: GROUP_BOX.maxY, margin: 16 }
}

/**
 * Orrery's view change: the server's `setArea` and `flush` of one client whose area jumps between the two
 * groups (each frame: `n` deletes and releases, `n` binds and inserts), and the client's
 * `decodeServerMessage` and `replica.apply` of those frames (entities destroyed and created in its world).
 *
 * @param g - the two groups
 * @param path - `encode` (server) or `decode` (client)
 * @returns the operation and the mean frame size
 */
export function orreryViewCase(g: ViewGroups, path: 'encode' | 'decode'): CodecCase {
  const world = createWorld({ components, seed: 1 })
  const replicator = createReplicator({ world, components })
  const entities: Entity[] = []
  replicator.commit(
    world.transaction(() => {
      for (let k = 0; k < 2 * g.n; k++) {
        const e = world.create()
        world.add(e, Body, { x: g.x[k] as number, y: g.y[k] as number, mass: g.mass[k] as number })
        entities.push(e)
      }
    }).changes,
  )
  const sent: Uint8Array[] = []
  replicator.addClient('c', { send: (frame) => sent.push(frame) })
  const welcome = { seq: replicator.seq, tick: replicator.flushedTick, serverTime: replicator.flushedTime }
  replicator.subscribe('c', 1, 1, ['Body'], groupArea(0))
  let tick = 1
  let time = welcome.serverTime
  replicator.flush(tick, time)
  const setup = sent.splice(0)
  let jumps = 0
  const step = (): void => {
    replicator.setArea('c', 1, groupArea(++jumps % 2))
    replicator.flush(++tick, (time += TICK_MS))
  }

  const frames = recordFrames(step, sent, VIEW_CYCLE)
  const bytesPerFrame = meanBytes(frames)
  if (path === 'encode') return { op: encodeOp(step, sent), bytesPerFrame }

  const input = [...frames, ...recordFrames(step, sent, REPLAY - VIEW_CYCLE)]
  const op = replayOp(components, replicator.schema, welcome, setup, input, (replica) => checkView(replica.world, entities, jumps % 2, g))
  return { op, bytesPerFrame }
}

/** Throws unless the replica holds exactly group `at`, at its positions (within a quantization step). */
function checkView(world: ReturnType<typeof createWorld>, entities: readonly Entity[], at: number, g: ViewGroups): void {
  const x = world.field(Body, 'x') as Field<number>
  entities.forEach((e, k) => {
    const inGroup = (k < g.n ? 0 : 1) === at
    if (world.has(e, Body) !== inGroup) throw new Error(`replica ${inGroup ? 'lacks' : 'holds'} entity ${e}`)
    if (inGroup && Math.abs(x.get(e) - (g.x[k] as number)) > 1 / 32) throw new Error(`replica differs at entity ${e}`)
  })
}
