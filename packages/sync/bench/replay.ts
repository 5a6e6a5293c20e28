import type { Component } from '@orrery/ecs'
import { decodeServerMessage, type SchemaDescription } from '@orrery/protocol'
import { createReplica, type Replica, type SessionStart } from '../src/replica.js'

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
