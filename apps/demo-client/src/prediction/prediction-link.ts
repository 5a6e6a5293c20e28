import type { Entity, World } from '@orrery/ecs'
import { Circle, Player, reducers } from '@orrery/demo-shared'
import { encodeArgs, type ServerMessage } from '@orrery/protocol'
import type { BlackholioClient } from '../bots/bot-types.js'
import { RttSamples, trackedCall } from '@orrery/client'

/** What the client learns from one applied state update. */
export interface UpdateInfo {
  /** The server tick of the update. */
  readonly tick: number
  /** Server time of the update, ms since epoch. */
  readonly serverTime: number
  /**
   * The update's `ack`: the requestId of this session's latest reducer call whose effects the state
   * includes, or undefined when no call of this client ran since the previous update.
   */
  readonly ack: number | undefined
}

/** The reducer calls prediction sends. */
export type PredictedCall = { readonly reducer: 'updatePlayerInput'; readonly dirX: number; readonly dirY: number } | { readonly reducer: 'playerSplit' }

/**
 * What own-circle prediction needs from a connection: the replica, the own entities, reducer calls that
 * tell their requestId, applied updates with their acknowledgement (protocol 2.0), and the RTT.
 */
export interface PredictionLink {
  /** The replica world. */
  readonly world: World
  /** The local player's entity, or undefined. */
  player(): Entity | undefined
  /** Fills `out` with the player's entity then its circles; returns it. */
  ownEntities(out: Entity[]): Entity[]
  /** Sends a reducer call; returns its requestId (the input's sequence number, -1 when not sent) and its result. */
  call(call: PredictedCall): { readonly seq: number; readonly result: Promise<unknown> }
  /** Calls `fn` after each state update is applied to the replica; returns the unsubscribe. */
  onUpdate(fn: (update: UpdateInfo) => void): () => void
  /** Calls `fn` at each new session (each Welcome, after a reconnect too); returns the unsubscribe. */
  onSession(fn: () => void): () => void
  /**
   * The round trip from the connection's Ping/Pong, ms (0 until known): the median of the recent samples
   * (see {@link RttSamples}). Not call to result: the server answers a call right after the update holding
   * its effects, at the end of a tick, so call to result overstates the round trip by the wait for that
   * tick's end.
   */
  rttMs(): number
  /** Whether the connection is up. */
  connected(): boolean
}

/**
 * A {@link PredictionLink} over an `@orrery/client` connection: reducer calls go through `trackedCall`
 * so their requestId is known, and each TransactionUpdate is read from the
 * connection's messages after the client applied it to the replica (the client's own listener is
 * registered first): tick and server time from the replica, the acknowledgement from the update's `ack`;
 * the round trip is the median of the connection's Pong samples ({@link RttSamples}).
 *
 * @param client - a connected Blackholio client
 * @param onError - called with a failed or rejected call's error (the call is still acknowledged in order);
 *   the result returned by `call` rejects with it too
 * @returns the link
 * @example
 * const prediction = new OwnCirclePrediction(clientLink(client))
 */
export function clientLink(client: BlackholioClient, onError: (error: unknown) => void = () => undefined): PredictionLink {
  const world = client.replica.world
  const replica = client.replica
  const rtt = new RttSamples()
  const player = (): Entity | undefined => world.findUnique(Player, 'identity', client.identity)
  return {
    world,
    player,
    ownEntities(out) {
      out.length = 0
      const p = player()
      if (p === undefined) return out
      out.push(p)
      const circles = world.findAll(Circle, 'playerId', p)
      for (let i = 0; i < circles.length; i++) out.push(circles[i] as Entity)
      return out
    },
    call(call) {
      const args =
        call.reducer === 'updatePlayerInput'
          ? encodeArgs(reducers.updatePlayerInput, { dirX: call.dirX, dirY: call.dirY })
          : encodeArgs(reducers.playerSplit, {})
      const { requestId, result } = trackedCall(client, call.reducer, args)
      result.catch(onError)
      return { seq: requestId, result }
    },
    onUpdate(fn) {
      const listener = (message: ServerMessage): void => {
        // Only an update the replica applied (one refused for a gap leaves the replica at an older seq).
        if (message.type !== 'TransactionUpdate' || replica.seq !== message.seq) return
        fn({ tick: replica.tick, serverTime: replica.serverTime, ack: message.ack ?? undefined })
      }
      client.connection.on('message', listener)
      return () => client.connection.off('message', listener)
    },
    onSession(fn) {
      const listener = (): void => fn()
      client.connection.on('welcome', listener)
      return () => client.connection.off('welcome', listener)
    },
    rttMs: () => {
      rtt.observe(client.connection.rttMs)
      return rtt.medianMs
    },
    connected: () => client.connection.state === 'connected',
  }
}
