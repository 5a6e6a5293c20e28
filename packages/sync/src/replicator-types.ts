import type { ChangeSet, Component, World } from '@orrery/ecs'
import type { Area, ComponentDescription, ProtocolEvent, ServerMessage } from '@orrery/protocol'
import type { EventScope } from './change-index.js'
import type { ClientState } from './client-state.js'

/**
 * Options of {@link createReplicator}.
 *
 * @example
 * ```ts
 * import { createWorld, defineComponent } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * const Player = defineComponent('Player', { name: 'string' })
 * const world = createWorld({ components: [Body, Player] })
 * const options: ReplicatorOptions = { world, components: [Body, Player], maxSubscriptionsPerClient: 8, updateBudgetBytes: 8192 }
 * ```
 */
export interface ReplicatorOptions {
  /** The authoritative world whose committed change sets are replicated. */
  readonly world: World
  /** The replicated components; a component's table id is its index. Components not listed stay server-private. */
  readonly components: readonly Component[]
  /** The most subscriptions one client may hold at once (pending ones count); default 16. */
  readonly maxSubscriptionsPerClient?: number
  /**
   * Estimated bytes one client's update may carry per flush; rows beyond it wait for later ticks, the
   * nearest and longest-waiting first. Default 16,384 (≈ 320 KB/s at 20 Hz).
   */
  readonly updateBudgetBytes?: number
  /** World units beyond an area's margin before an entity leaves the view; default a tenth of the area's larger side. */
  readonly hysteresis?: number
  /**
   * Components whose entities change nearly every tick (players' circles, projectiles): an entity with a row of
   * one of them is bound to a handle from a range kept for them (1–63, one byte each, so that the handles of an
   * update's moving rows are one byte and their gaps small); other entities' handles start above it. Default
   * none (every handle from one range). Set it when a few movers share views with many entities at rest: in
   * the Blackholio benchmark it saves about a byte and a half per moving row.
   */
  readonly frequent?: readonly Component[]
  /**
   * Quantization steps a predicted field (a quantized position) may stray from its true value before an update
   * corrects it; default 0 (a replica holds every position to within half a step). With `k`, a replica holds
   * positions to within `(k + 1/2)` steps and a steady mover's rounding jitter costs nothing: positions at 1/16
   * of a world unit with `k = 1` stay within 0.094 world units. A non-negative integer.
   */
  readonly predictionTolerance?: number
  /**
   * The entity or entities an event concerns: such an event reaches only the clients that see one of them
   * (before the window's deletes); `null` or no function: every client hears it.
   */
  readonly eventScope?: (event: ProtocolEvent) => EventScope
  /**
   * The seq of the world as it is handed over (default 0): a server that recovered its world from a commit
   * log passes the recovered seq, so that the seqs the replicator gives out continue the log's.
   */
  readonly initialSeq?: number
  /** The tick of the world as it is handed over (default 0): the tick a Welcome carries before the first flush. */
  readonly initialTick?: number
}

/**
 * How a client receives frames.
 *
 * @example
 * ```ts
 * declare const ws: WebSocket
 * const sink: ClientSink = { send: (frame) => ws.send(frame), canSend: () => ws.bufferedAmount < 256 * 1024 }
 * ```
 */
export interface ClientSink {
  /** Called with each encoded frame for that client; it should not throw. */
  readonly send: (frame: Uint8Array) => void
  /**
   * False while the client's socket is too far behind: its changes then wait, collapsed to the newest
   * value per field, and go out in one update once it catches up. Default: always true.
   */
  readonly canSend?: () => boolean
  /** The client's identity: it receives the rows of owner-only components whose owner field holds it. Default: none (no owner-only rows). */
  readonly identity?: string
}

/**
 * Counters of what a replicator sent, since it was created.
 *
 * @example
 * ```ts
 * declare const replicator: Replicator
 * const { bytesSent, framesSent, updates }: ReplicatorStats = replicator.stats
 * ```
 */
export interface ReplicatorStats {
  /** Bytes handed to `send`, summed over every client. */
  readonly bytesSent: number
  /** Frames handed to `send`, summed over every client. */
  readonly framesSent: number
  /** Updates encoded (one per client per flush with something to say). */
  readonly updates: number
  /** Client flushes folded without sending because the client's socket was behind. */
  readonly deferredFlushes: number
  /** Time spent in {@link Replicator.flush}: collecting views (ms, summed). */
  readonly collectMs: number
  /** Time spent in {@link Replicator.flush}: encoding frames (ms, summed). */
  readonly encodeMs: number
}

/**
 * The server half of sync: turns committed change sets into one TransactionUpdate per client and flush,
 * holding only what that client's subscriptions and areas of interest cover.
 *
 * @example
 * ```ts
 * import { createWorld, defineComponent } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * const world = createWorld({ components: [Body] })
 * declare const socket: WebSocket
 * const replicator: Replicator = createReplicator({ world, components: [Body] })
 * replicator.addClient('c1', { send: (frame) => socket.send(frame) })
 * replicator.commit(world.transaction(() => world.add(world.create(), Body)).changes)
 * replicator.flush(1, Date.now())
 * ```
 */
export interface Replicator {
  /** The seq of the last committed non-empty change set (0 before any). */
  readonly seq: number
  /** The tick and time of the last flush (what a new client's Welcome carries). */
  readonly flushedTick: number
  readonly flushedTime: number
  /** The replicated tables as `[name, [[field, type, step?], ...]]`, index = table id; the `components` of a Welcome schema. */
  readonly schema: readonly ComponentDescription[]
  /** What was sent so far. */
  readonly stats: ReplicatorStats
  /**
   * Records a committed change set; non-empty ones get the next seq.
   *
   * @param changes - the `changes` of `world.transaction(...)`, in commit order
   * @returns the seq of this change set, or the current seq when it is empty
   */
  commit(changes: ChangeSet): number
  /**
   * Starts following a client; its first update's `prevSeq` is {@link Replicator.seq} now (send that in Welcome).
   *
   * @param clientId - a unique id of the connection
   * @param sink - how frames reach it
   * @param state - what {@link Replicator.captureClient} returned for the client on a replicator whose world
   *   was the same (a server that restarted gracefully): the client goes on exactly where it was (its first
   *   update's `prevSeq` is the last seq it was sent)
   * @throws SyncError `ERR_DUPLICATE_CLIENT` when the id is already added; `ERR_INVALID_STATE` when `state` has
   *   another version, was taken at another seq or tick than this replicator's, or does not fit its components
   */
  addClient(clientId: string, sink: ClientSink, state?: ClientState): void
  /**
   * Copies what the replicator holds for a client (subscriptions, areas, handles, per-field baselines, waiting
   * changes, queued messages), to add it again with {@link Replicator.addClient} to a replicator over the same
   * world, e.g. after a graceful restart. Call it between flushes.
   *
   * @param clientId - an added client
   * @returns the state (structured-clone data), or undefined for an unknown client
   */
  captureClient(clientId: string): ClientState | undefined
  /**
   * Forgets a client, its subscriptions, handles and requests; unknown ids are ignored.
   *
   * @param clientId - the id given to {@link Replicator.addClient}
   */
  removeClient(clientId: string): void
  /**
   * Subscribes a client to rows of some components: every row, or with `area` the rows of the entities
   * whose position lies in the area. The rows go out as inserts in the next updates, then SubscribeApplied.
   * A request for a queryId that already waits replaces it (the last one wins).
   *
   * @param clientId - an added client
   * @param requestId - u32 echoed in SubscribeApplied
   * @param queryId - u32 naming the subscription; subscribing an existing queryId replaces it
   * @param componentNames - component names, as in {@link Replicator.schema}
   * @param area - the area of interest (world units), or null for whole tables
   * @throws SyncError `ERR_UNKNOWN_CLIENT`, `ERR_UNKNOWN_COMPONENT`, `ERR_NO_POSITION` (an area without a
   *   component that has a spatial index) or `ERR_TOO_MANY_SUBSCRIPTIONS`
   */
  subscribe(clientId: string, requestId: number, queryId: number, componentNames: readonly string[], area?: Area | null): void
  /**
   * Moves the area of an area subscription; entities entering and leaving go out in the next update.
   *
   * @throws SyncError `ERR_UNKNOWN_CLIENT` or `ERR_UNKNOWN_SUBSCRIPTION`
   */
  setArea(clientId: string, queryId: number, area: Area): void
  /**
   * Ends a subscription; the rows no other subscription covers go out as deletes, then Unsubscribed.
   *
   * @throws SyncError `ERR_UNKNOWN_CLIENT`
   */
  unsubscribe(clientId: string, requestId: number, queryId: number): void
  /**
   * Changes the update budget and the AOI hysteresis of a running replicator; they apply from the next flush.
   *
   * @param settings - `updateBudgetBytes` (bytes per client per flush), `hysteresis` (world units; null: the
   *   default, a tenth of each area's larger side); a missing key keeps its value
   */
  retune(settings: { readonly updateBudgetBytes?: number; readonly hysteresis?: number | null }): void
  /**
   * Records that a client's reducer call ran (its effects are in the next update, whose `ack` names it).
   *
   * @param clientId - an added client (unknown ids are ignored)
   * @param requestId - the call's requestId
   */
  acknowledge(clientId: string, requestId: number): void
  /**
   * Sends a frame to a client after its next update (e.g. a ReducerResult, so that the call's effects are
   * applied when the result arrives).
   *
   * @param clientId - an added client (unknown ids are ignored)
   * @param message - the message to send
   */
  sendAfterUpdate(clientId: string, message: ServerMessage): void
  /**
   * Sends a frame to a client after the update that carries its latest acknowledged call: at once when that
   * update is already out, else after the client's next update (as {@link Replicator.sendAfterUpdate}). For a
   * ReducerResult that waited for something else (e.g. its transaction's durability) after the call ran.
   *
   * @param clientId - an added client (unknown ids are ignored)
   * @param message - the message to send
   * @throws the error encoding the message or `send` threw, when it is sent at once
   */
  sendAfterAck(clientId: string, message: ServerMessage): void
  /**
   * Ends a tick: for each client, one TransactionUpdate with what changed in its view (none when nothing
   * did), then its acknowledgements and queued messages.
   *
   * @param tick - the server tick number
   * @param serverTime - wall-clock time, ms since the Unix epoch
   * @throws the error a `send` call threw (the first one; `AggregateError` when several), after every other client was served
   */
  flush(tick: number, serverTime: number): void
}
