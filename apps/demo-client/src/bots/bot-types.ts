import type { KeyIdentity } from '@orrery/auth'
import type { ConnectOptions, OrreryClient } from '@orrery/client'
import type { liveComponents, reducers } from '@orrery/demo-shared'
import type { Area } from '@orrery/protocol'

/** A client of the Blackholio schema. */
export type BlackholioClient = OrreryClient<typeof liveComponents, typeof reducers>

/** Options of {@link Bot}. */
export interface BotOptions {
  /** The server's WebSocket URL, e.g. `ws://127.0.0.1:3000`. */
  readonly url: string
  /** The name the bot enters the game with (≤ 32 characters). */
  readonly name: string
  /** The bot's key identity (e.g. loaded from its identity file, so a restarted bot is the same player). Default: a fresh guest key. */
  readonly identity?: KeyIdentity
  /** Input messages per second, at most 20 (the reference client's rate). Default 20. */
  readonly inputRateHz?: number
  /**
   * Least time between two respawns (and after entering), ms. Default 1 000. A bot respawns only once no
   * circle of its own is in view and the leaderboard lists no mass for it (see {@link mayRespawn}).
   */
  readonly respawnDelayMs?: number
  /** Mass of its biggest circle from which a chasing bot splits toward its prey. Default 120. */
  readonly splitMass?: number
  /** Distance around its centre within which the bot looks at bodies, world units. Default 200. */
  readonly sightRadius?: number
  /** Predict the own circles (default true); false interpolates them like everyone else's. */
  readonly prediction?: boolean
  /** WebSocket implementation; default `globalThis.WebSocket`, else `ws`. */
  readonly WebSocket?: ConnectOptions<typeof liveComponents, typeof reducers>['WebSocket']
  /** Ping interval of the connection, ms. Default: the connection's (2 000). */
  readonly pingIntervalMs?: number
  /** Silence after which the connection replaces its socket, ms. Default: the connection's. */
  readonly heartbeatTimeoutMs?: number
  /** Count the distinct reducer calls sent (needs `WebSocket`), for {@link BotStats.calls}. Default false. */
  readonly countCalls?: boolean
  /** A world of a world host (cluster demo): its id, the seat ticket from matchmaking, the processes to ask where it lives. */
  readonly world?: Pick<ConnectOptions<typeof liveComponents, typeof reducers>, 'world' | 'ticket' | 'processes' | 'worldUrl'>
}

/**
 * A bot's replica at one moment, for comparing with the server's world.
 *
 * @example
 * ```ts
 * const { identity, area, tables }: ReplicaSnapshot = bot.replicaSnapshot()
 * ```
 */
export interface ReplicaSnapshot {
  /** The bot's identity. */
  readonly identity: string
  /** The area of its area subscription (Body, Circle, Food); Player and LeaderboardEntry are whole tables. */
  readonly area: Area
  /** Rows per component name: `[entity, row]`. */
  readonly tables: Record<string, [number, Record<string, unknown>][]>
}

/** What a bot did, for reports. */
export interface BotStats {
  /** The bot's name. */
  readonly name: string
  /** Its identity, '' before the first Welcome. */
  readonly identity: string
  /** Whether it is connected now. */
  readonly connected: boolean
  /** Whether it is connected as the identity of its own key (signed in with a signature or its token). */
  readonly authenticated: boolean
  /** Whether it ever completed a handshake and entered the game. */
  readonly entered: boolean
  /** updatePlayerInput calls sent. */
  readonly inputsSent: number
  /** Reducer calls that failed (rejected or timed out). */
  readonly reducerErrors: number
  /** Respawns after being eaten. */
  readonly respawns: number
  /** Split calls made. */
  readonly splits: number
  /** Largest total mass its circles reached. */
  readonly maxMass: number
  /** Bytes sent on its connection. */
  readonly bytesSent: number
  /** Bytes received on its connection. */
  readonly bytesReceived: number
  /** Round-trip time of its connection (smoothed), ms, or null before the first Pong. */
  readonly rttMs: number | null
  /** The last error's message, or null. */
  readonly lastError: string | null
  /** Own-circle prediction: 'on' or 'off'. */
  readonly prediction: 'on' | 'off'
  /** Inputs the server acknowledged while predicting. */
  readonly acknowledgedInputs: number
  /** Of those, inputs whose predicted position the server corrected by more than 1.5 wire steps (3/32 world units; positions reach the replica rounded to 1/16). */
  readonly mispredictedInputs: number
  /** 95th percentile of the prediction corrections, world units. */
  readonly correctionP95: number
  /** Recent input-to-display latencies, ms (see {@link InputToDisplay}). */
  readonly inputToDisplayMs: readonly number[]
  /** Times the bot came back after a drop. */
  readonly reconnects: number
  /** Of those, sessions the server resumed (the missed frames replayed). */
  readonly resumedFromHistory: number
  /** Of those, fresh sessions (the replica re-synced from fresh rows). */
  readonly resumedFromSnapshot: number
  /** Distinct reducer calls sent, per reducer name (with `countCalls`; else empty). */
  readonly calls: Readonly<Record<string, number>>
}
