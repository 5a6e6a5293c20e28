import { createWorld, type World } from '@orrery/ecs'
import { decodeServerMessage, type ServerMessage, type TransactionUpdate } from '@orrery/protocol'
import { createReplica, type Replica } from '../replica.js'
import { createReplicator, type Replicator, type ReplicatorOptions } from '../replicator.js'
import { components as defaultComponents } from './fixtures.js'

/** A client of the harness: the frames it was sent and a replica fed with them. */
export interface TestClient {
  readonly id: string
  /** Every frame the replicator sent, in order. */
  readonly frames: Uint8Array[]
  /** The client's replica (schema from the replicator, session started at the replicator's seq when added). */
  readonly replica: Replica
  /** While false, the sink's `canSend` says the socket is behind. */
  canSend: boolean
  /**
   * Decodes the frames received since the last call and applies each to the replica, in order.
   *
   * @returns the decoded messages
   */
  pump(): ServerMessage[]
}

/** A server world and its replicator, with clients that record every frame they are sent. */
export interface Harness {
  readonly world: World
  readonly replicator: Replicator
  /** Runs `fn` as a transaction and commits its change set; returns the seq. */
  tx<T>(fn: () => T): T
  /** Adds a client whose frames are recorded and applied to its own replica (with `identity`: the owner it is). */
  client(id: string, identity?: string): TestClient
  /** Flushes the next tick (ticks count from 1, 50 ms apart from the replicator's creation). */
  flush(): void
  /** The number of the last flushed tick. */
  readonly tick: number
  /** The server time of the last flush, ms since the Unix epoch. */
  readonly time: number
}

export type HarnessOptions = Partial<Omit<ReplicatorOptions, 'world'>>

/**
 * Builds a world with the given components and a replicator over them.
 *
 * @param options - replicator options; `components` defaults to Body, Player, Food
 */
export function harness(options: HarnessOptions = {}): Harness {
  const components = options.components ?? defaultComponents
  const world = createWorld({ components, seed: 1 })
  const replicator = createReplicator({ ...options, world, components })
  const start = replicator.flushedTime
  let tick = 0
  return {
    world,
    replicator,
    get tick() {
      return tick
    },
    get time() {
      return start + tick * 50
    },
    tx(fn) {
      const { result, changes } = world.transaction(fn)
      replicator.commit(changes)
      return result
    },
    client(id, identity) {
      const frames: Uint8Array[] = []
      const replica = createReplica({ components, schema: { components: replicator.schema, reducers: [] } })
      replica.startSession({ seq: replicator.seq, tick: replicator.flushedTick, serverTime: replicator.flushedTime }, false)
      let cursor = 0
      const client: TestClient = {
        id,
        frames,
        replica,
        canSend: true,
        pump() {
          const messages = frames.slice(cursor).map((frame) => decodeServerMessage(frame))
          cursor = frames.length
          for (const m of messages) replica.apply(m)
          return messages
        },
      }
      replicator.addClient(id, {
        send: (frame) => frames.push(frame),
        canSend: () => client.canSend,
        ...(identity === undefined ? {} : { identity }),
      })
      return client
    },
    flush() {
      tick++
      replicator.flush(tick, start + tick * 50)
    },
  }
}

/** The TransactionUpdates among some messages. */
export function updatesOf(messages: readonly ServerMessage[]): TransactionUpdate[] {
  return messages.filter((m): m is TransactionUpdate => m.type === 'TransactionUpdate')
}

/** The one TransactionUpdate among some messages (throws when there is not exactly one). */
export function onlyUpdate(messages: readonly ServerMessage[]): TransactionUpdate {
  const updates = updatesOf(messages)
  if (updates.length !== 1) throw new Error(`expected one TransactionUpdate, got ${updates.length}`)
  return updates[0] as TransactionUpdate
}
