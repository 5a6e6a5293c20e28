import type { ChangeSet, Entity, Field, World } from '@orrery/ecs'
import { type CodecCase, type CodecPath, meanBytes } from './codec-case.js'
import { CYCLE, MOTION_BOX, type Motion } from './motion.js'
import { Body, components, encodeOp, orreryServer, recordFrames, replayOp } from './replay.js'

/** Frames the client path applies before it starts a fresh session and replays them (a multiple of the motion's cycle). */
const REPLAY = 50 * CYCLE

/**
 * Orrery's paths: the server's from a committed change set to one client's encoded frame
 * (transaction, `commit`, `flush` with one client whose camera-sized area covers every moving entity), and the
 * client's from that frame to an applied replica (`decodeServerMessage`, `replica.apply`).
 *
 * @param m - the moves
 * @param path - which path to time
 * @returns the operation and the mean frame size
 */
export function orreryCase(m: Motion, path: CodecPath): CodecCase {
  const n = m.n
  const { world, replicator, entities, sent, welcome, setup, flush } = orreryServer(m.x.subarray(0, n), m.y.subarray(0, n), m.mass, {
    ...MOTION_BOX,
    margin: 16,
  })
  const fx = world.field(Body, 'x') as Field<number>
  const fy = world.field(Body, 'y') as Field<number>

  let moves = 0
  const move = (): ChangeSet => {
    const base = (++moves % CYCLE) * n
    return world.transaction(() => {
      for (let i = 0; i < n; i++) {
        const e = entities[i] as Entity
        fx.set(e, m.x[base + i] as number)
        fy.set(e, m.y[base + i] as number)
      }
    }).changes
  }
  const step = (): void => {
    replicator.commit(move())
    flush()
  }

  // One recorded cycle: its frames are the client's input, and the server is back at its start.
  const frames = recordFrames(step, sent, CYCLE)
  const bytesPerFrame = meanBytes(frames)

  // The ECS half of the server path alone: the same writes in a tracked transaction, not replicated.
  if (path === 'transaction') return { op: () => void move(), bytesPerFrame }
  if (path === 'encode') return { op: encodeOp(step, sent), bytesPerFrame }

  // The client's input: a long run of frames after the setup (the recorded cycle, then more of the same motion),
  // applied in order; when it runs out the replica starts a fresh session (the setup again) and replays it,
  // once every REPLAY frames, so the re-sync is a sliver of the measured time.
  const input = [...frames, ...recordFrames(step, sent, REPLAY - CYCLE)]
  const op = replayOp(components, replicator.schema, welcome, setup, input, (replica) => checkReplica(replica.world, entities, fx, fy, m))
  return { op, bytesPerFrame }
}

function checkReplica(
  world: World,
  entities: readonly Entity[],
  fx: Field<number>,
  fy: Field<number>,
  m: Motion,
): void {
  const rx = world.field(Body, 'x') as Field<number>
  const ry = world.field(Body, 'y') as Field<number>
  const rmass = world.field(Body, 'mass') as Field<number>
  entities.forEach((e, i) => {
    if (!world.has(e, Body)) throw new Error(`replica lacks entity ${e}`)
    const dx = Math.abs(rx.get(e) - fx.get(e))
    const dy = Math.abs(ry.get(e) - fy.get(e))
    if (dx > 1 / 32 || dy > 1 / 32 || rmass.get(e) !== m.mass[i]) throw new Error(`replica differs at entity ${e}`)
  })
}
