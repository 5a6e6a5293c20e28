import type { Entity, World } from '@orrery/ecs'
import { Circle, Player, reducers } from '@orrery/demo-shared'
import { encodeArgs, type ServerMessage } from '@orrery/protocol'
import type { BlackholioClient } from '../bots/bot.js'
import type { InferredAcknowledgement } from './inferred-ack.js'

/** What the client learns from one applied state update. */
export interface UpdateInfo {
  /** The server tick of the update. */
  readonly tick: number
  /** Server time of the update, ms since epoch. */
  readonly serverTime: number
  /** Highest requestId of this session's reducer calls the state includes, or undefined when the server sends none. */
  readonly ack: number | undefined
}

/** The reducer calls prediction sends. */
export type PredictedCall = { readonly reducer: 'updatePlayerInput'; readonly dirX: number; readonly dirY: number } | { readonly reducer: 'playerSplit' }

/**
 * What own-circle prediction needs from a connection: the replica, the own entities, reducer calls that
 * tell their requestId, applied updates with their acknowledgement, and the RTT.
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
   * Whether the server answers a call before the update that includes it, so that call to result is one
   * round trip. A server that sends the acknowledgement on the wire answers after that update instead
   * (the result waits for the tick's end), and call to result overestimates the round trip.
   */
  resultsPrecedeUpdates(): boolean
  /** Smoothed RTT, ms (0 before the first measurement). */
  rttMs(): number
  /** Whether the connection is up. */
  connected(): boolean
}

/**
 * A {@link PredictionLink} over an `@orrery/client` connection: reducer calls go through
 * `connection.request` so their requestId is known, and updates are read from the connection's
 * messages after the client applied them (its own listener is registered first).
 *
 * @param client - a connected Blackholio client
 * @param onError - called with a failed or rejected call's error (the call is still acknowledged in order);
 *   the result returned by `call` rejects with it too
 * @param inferred - where to take each update's acknowledgement from when the update carries none (see
 *   {@link InferredAcknowledgement}); without it, such updates have no acknowledgement
 * @returns the link
 * @example
 * const prediction = new OwnCirclePrediction(clientLink(client))
 */
export function clientLink(
  client: BlackholioClient,
  onError: (error: unknown) => void = () => undefined,
  inferred?: InferredAcknowledgement,
): PredictionLink {
  const world = client.replica.world
  const player = (): Entity | undefined => world.findUnique(Player, 'identity', client.identity)
  // The update's tick and server time: absolute on the first wire version; on later ones, deltas from
  // the previous update, counted from the Welcome's tick and server time.
  let tick = 0
  let serverTime = 0
  let wireAck = false
  const onWelcome = (welcome: unknown): void => {
    const w = welcome as { readonly tick?: unknown; readonly serverTime?: unknown }
    if (typeof w.tick === 'number') tick = w.tick
    if (typeof w.serverTime === 'number') serverTime = w.serverTime
  }
  client.connection.on('welcome', onWelcome)
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
      let seq = -1
      const result = client.connection
        .request((requestId) => {
          seq = requestId
          return { type: 'CallReducer', requestId, reducer: call.reducer, args }
        })
        .then((answer) => {
          if (answer.type === 'ReducerResult' && !answer.ok) throw new Error(`${call.reducer}: ${answer.code} ${answer.message}`)
          return answer.type === 'ReducerResult' ? answer.value : undefined
        })
      result.catch(onError)
      return { seq, result }
    },
    onUpdate(fn) {
      const listener = (message: ServerMessage): void => {
        if (message.type !== 'TransactionUpdate') return
        const m = message as unknown as Readonly<Record<string, unknown>>
        if (typeof m.tickDelta === 'number' && typeof m.timeDelta === 'number') {
          tick += m.tickDelta
          serverTime += m.timeDelta
        } else {
          tick = typeof m.tick === 'number' ? m.tick : tick
          serverTime = typeof m.serverTime === 'number' ? m.serverTime : serverTime
        }
        // The acknowledgement on the wire when the server sends one (null: no call ran since the
        // previous update), else the one inferred from the order of frames.
        const guess = typeof m.seq === 'number' ? inferred?.take(m.seq) : undefined
        if ('ack' in m) wireAck = true
        const ack = wireAck ? (typeof m.ack === 'number' ? m.ack : undefined) : guess
        fn({ tick, serverTime, ack })
      }
      client.connection.on('message', listener)
      return () => client.connection.off('message', listener)
    },
    onSession(fn) {
      const listener = (): void => fn()
      client.connection.on('welcome', listener)
      return () => client.connection.off('welcome', listener)
    },
    resultsPrecedeUpdates: () => !wireAck,
    rttMs: () => client.stats().rttMs ?? 0,
    connected: () => client.connection.state === 'connected',
  }
}
