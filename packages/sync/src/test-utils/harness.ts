import { type Component, createWorld, type World } from '@orrery/ecs'
import { decodeServerMessage, type ServerMessage } from '@orrery/protocol'
import { createReplicator, type Replicator } from '../replicator.js'
import { components as defaultComponents } from './fixtures.js'

/** A server world and its replicator, with clients that record every frame they are sent. */
export interface Harness {
  readonly world: World
  readonly replicator: Replicator
  /** Runs `fn` as a transaction and commits its change set; returns the seq. */
  tx(fn: () => void): number
  /** Adds a client that records its frames; returns the recorded frames. */
  client(id: string): Uint8Array[]
  /** Decoded messages of the frames recorded since the last call, per client. */
  received(id: string): ServerMessage[]
}

export function harness(
  options: { components?: readonly Component[]; historySize?: number; maxSubscriptionsPerClient?: number } = {},
): Harness {
  const components = options.components ?? defaultComponents
  const world = createWorld({ components, seed: 1 })
  const replicator = createReplicator({
    world,
    components,
    ...(options.historySize === undefined ? {} : { historySize: options.historySize }),
    ...(options.maxSubscriptionsPerClient === undefined
      ? {}
      : { maxSubscriptionsPerClient: options.maxSubscriptionsPerClient }),
  })
  const frames = new Map<string, Uint8Array[]>()
  const cursors = new Map<string, number>()
  return {
    world,
    replicator,
    tx(fn) {
      return replicator.commit(world.transaction(fn).changes)
    },
    client(id) {
      const list: Uint8Array[] = []
      frames.set(id, list)
      cursors.set(id, 0)
      replicator.addClient(id, (frame) => list.push(frame))
      return list
    },
    received(id) {
      const list = frames.get(id) ?? []
      const from = cursors.get(id) ?? 0
      cursors.set(id, list.length)
      return list.slice(from).map((frame) => decodeServerMessage(frame))
    },
  }
}
