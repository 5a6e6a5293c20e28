import { type Component, createWorld, defineComponent, type Entity, type World } from '@orrery/ecs'
import { type Area, decodeServerMessage, type SchemaDescription } from '@orrery/protocol'
import { createReplica, type Replica, type SessionStart } from '../src/replica.js'
import { createReplicator, type Replicator } from '../src/replicator.js'

/** The demo's Body, with positions quantized to 1/16 of a world unit on the wire. */
export const Body = defineComponent(
  'Body',
  { x: 'f32', y: 'f32', mass: 'u32' },
  { spatial: { x: 'x', y: 'y', cellSize: 32 }, quantize: { x: 1 / 16, y: 1 / 16 } },
)
/** The components of the Orrery cases. */
export const components: readonly Component[] = [Body]
/** Time between two ticks of the Orrery cases, ms (20 Hz). */
const TICK_MS = 50

/** The server side of an Orrery case after its first flush (see {@link orreryServer}). */
export interface OrreryServer {
  readonly world: World
  readonly replicator: Replicator
  /** The bodies, in the order of the positions given. */
  readonly entities: readonly Entity[]
  /** Frames sent to client `c` and not yet taken. */
  readonly sent: Uint8Array[]
  /** Where client `c`'s session starts. */
  readonly welcome: SessionStart
  /** The frames of that session's start (its subscription applied). */
  readonly setup: readonly Uint8Array[]
  /** Flushes the next tick (50 ms later). */
  flush(): void
}

/**
 * A world of `x.length` bodies at rest, committed to a replicator with one client `c` subscribed to `Body` in
 * `area`, flushed once.
 *
 * @param x - positions, world units
 * @param y - positions, world units
 * @param mass - masses
 * @param area - the client's area of interest
 * @returns the server, its client's frames and a flush of the next tick
 */
export function orreryServer(x: ArrayLike<number>, y: ArrayLike<number>, mass: ArrayLike<number>, area: Area): OrreryServer {
  const world = createWorld({ components, seed: 1 })
  const replicator = createReplicator({ world, components })
  const entities: Entity[] = []
  replicator.commit(
    world.transaction(() => {
      for (let k = 0; k < x.length; k++) {
        const e = world.create()
        world.add(e, Body, { x: x[k] as number, y: y[k] as number, mass: mass[k] as number })
        entities.push(e)
      }
    }).changes,
  )
  const sent: Uint8Array[] = []
  replicator.addClient('c', { send: (frame) => sent.push(frame) })
  const welcome = { seq: replicator.seq, tick: replicator.flushedTick, serverTime: replicator.flushedTime }
  replicator.subscribe('c', 1, 1, ['Body'], area)
  let tick = 1
  let time = welcome.serverTime
  replicator.flush(tick, time)
  const setup = sent.splice(0)
  return { world, replicator, entities, sent, welcome, setup, flush: () => replicator.flush(++tick, (time += TICK_MS)) }
}

/**
 * The client path of an Orrery case: a replica fed the setup frames of a fresh session, then `input` in
 * order; each call applies the next frame, and when `input` runs out the replica starts a fresh session (the
 * setup again) and replays it, so that re-sync is a sliver of the measured time.
 *
 * @param components - the replica's components
 * @param schema - the replicator's schema
 * @param welcome - where the session starts
 * @param setup - the frames of the session's start (subscriptions applied)
 * @param input - the frames to apply, in order
 * @param check - called once after a whole pass over `input`, to verify the replica
 * @returns the operation: apply one frame
 */
export function replayOp(
  components: readonly Component[],
  schema: SchemaDescription['components'],
  welcome: SessionStart,
  setup: readonly Uint8Array[],
  input: readonly Uint8Array[],
  check: (replica: Replica) => void,
): () => void {
  const replica = createReplica({ components, schema: { components: schema, reducers: [] } })
  const resync = (): void => {
    replica.startSession(welcome, false)
    for (const frame of setup) replica.apply(decodeServerMessage(frame))
    replica.endResync()
  }
  resync()
  for (const frame of input) replica.apply(decodeServerMessage(frame))
  check(replica)
  resync()
  let k = 0
  return () => {
    replica.apply(decodeServerMessage(input[k] as Uint8Array))
    if (++k === input.length) {
      k = 0
      resync()
    }
  }
}

/**
 * An operation that calls `fn` with each frame in turn, from the first again after the last.
 *
 * @param frames - the frames of one cycle
 * @param fn - what is done with a frame
 */
export function cycleOp(frames: readonly Uint8Array[], fn: (frame: Uint8Array) => void): () => void {
  let k = 0
  return () => {
    fn(frames[k] as Uint8Array)
    if (++k === frames.length) k = 0
  }
}

/**
 * Runs `step` `count` times and takes the frames it sent, one per step.
 *
 * @param step - one server tick (it sends its frames into `sent`)
 * @param sent - where the client's frames arrive
 * @param count - steps to run
 * @returns the frames
 * @throws Error when a step did not send exactly one frame
 */
export function recordFrames(step: () => void, sent: Uint8Array[], count: number): Uint8Array[] {
  for (let k = 0; k < count; k++) step()
  const frames = sent.splice(0)
  if (frames.length !== count) throw new Error(`expected one frame per step, got ${frames.length} for ${count}`)
  return frames
}

/** The server path of an Orrery case: one step, its frames dropped. */
export function encodeOp(step: () => void, sent: Uint8Array[]): () => void {
  return () => {
    step()
    sent.length = 0
  }
}
