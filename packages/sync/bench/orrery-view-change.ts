import type { Entity, Field, World } from '@orrery/ecs'
import type { Area } from '@orrery/protocol'
import { type CodecCase, meanBytes } from './codec-case.js'
import { Body, components, encodeOp, orreryServer, recordFrames, replayOp } from './replay.js'
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
  const { replicator, entities, sent, welcome, setup, flush } = orreryServer(g.x, g.y, g.mass, groupArea(0))
  let jumps = 0
  const step = (): void => {
    replicator.setArea('c', 1, groupArea(++jumps % 2))
    flush()
  }

  const frames = recordFrames(step, sent, VIEW_CYCLE)
  const bytesPerFrame = meanBytes(frames)
  if (path === 'encode') return { op: encodeOp(step, sent), bytesPerFrame }

  const input = [...frames, ...recordFrames(step, sent, REPLAY - VIEW_CYCLE)]
  const op = replayOp(components, replicator.schema, welcome, setup, input, (replica) => checkView(replica.world, entities, jumps % 2, g))
  return { op, bytesPerFrame }
}

/** Throws unless the replica holds exactly group `at`, at its positions (within a quantization step). */
function checkView(world: World, entities: readonly Entity[], at: number, g: ViewGroups): void {
  const x = world.field(Body, 'x') as Field<number>
  entities.forEach((e, k) => {
    const inGroup = (k < g.n ? 0 : 1) === at
    if (world.has(e, Body) !== inGroup) throw new Error(`replica ${inGroup ? 'lacks' : 'holds'} entity ${e}`)
    if (inGroup && Math.abs(x.get(e) - (g.x[k] as number)) > 1 / 32) throw new Error(`replica differs at entity ${e}`)
  })
}
