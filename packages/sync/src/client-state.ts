import type { ServerMessage } from '@orrery/protocol'
import type { ClientView } from './client-view.js'
import { SyncError } from './sync-error.js'

/** The version of {@link ClientState}'s layout; a state of another version is refused. */
export const CLIENT_STATE_VERSION = 2

/**
 * Everything the replicator holds for one client, copied: its subscriptions and areas, its handle table (the
 * rows it holds, the per-field baselines it was sent, the changes still waiting with their priority), its
 * pending acks and the messages queued behind its next update. Plain data (typed arrays, arrays, Maps and
 * objects) that the structured-clone algorithm copies, so `node:v8`'s `serialize` can write it. Its layout is
 * private to this package: store it and give it back to {@link Replicator.addClient}, nothing more.
 */
export interface ClientState {
  readonly version: number
  /** The seq and tick of the replicator when the state was taken (a restored client must continue from them). */
  readonly seq: number
  readonly tick: number
  /** The fields of the client's view, its handle table and its subscriptions (private layout). */
  readonly view: Readonly<Record<string, unknown>>
  readonly handles: Readonly<Record<string, unknown>>
  readonly subscriptions: Readonly<Record<string, unknown>>
  /** Messages queued behind the client's next update (reducer results among them). */
  readonly afterUpdate: readonly ServerMessage[]
}

/**
 * Fields of a view set by the replicator that created it (its sink and sizes), or valid only with that
 * replicator (the area its view was last level with: a new one walks the areas whole), not part of a state.
 */
const VIEW_CONFIG = new Set(['send', 'canSend', 'identity', 'tableCount', 'handles', 'subscriptions', 'passed'])
const HANDLES_CONFIG = new Set(['tableCount', 'qSlots', 'keepFrequent'])
const SUBSCRIPTIONS_CONFIG = new Set(['maxSubscriptions'])

/** Copies every own field of `from` but the configuration ones. */
function fieldsOf(from: object, config: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(from)) if (!config.has(key)) out[key] = value
  return out
}

/**
 * Copies a client's view (between flushes: nothing of a flush in progress is held).
 *
 * @param view - the client's view
 * @param afterUpdate - the messages queued behind its next update
 * @param at - the replicator's seq and last flushed tick
 * @returns an independent copy
 */
export function captureClientView(view: ClientView, afterUpdate: readonly ServerMessage[], at: { seq: number; tick: number }): ClientState {
  return structuredClone({
    version: CLIENT_STATE_VERSION,
    seq: at.seq,
    tick: at.tick,
    view: fieldsOf(view, VIEW_CONFIG),
    handles: { ...fieldsOf(view.handles, HANDLES_CONFIG), ...view.handles.usedArrays() },
    subscriptions: fieldsOf(view.subscriptions, SUBSCRIPTIONS_CONFIG),
    afterUpdate: [...afterUpdate],
  })
}

/**
 * Fills a new view (made by the same replicator configuration) with a captured state. The view's first flush
 * then looks at its whole areas again: the replicator that made the state knew where every entity was at its
 * last flush, a new one does not.
 *
 * @param view - a view just constructed for the client
 * @param state - what {@link captureClientView} returned (possibly written and read back)
 * @param at - the seq and flushed tick of the replicator the view joins
 * @returns the messages to queue behind the client's next update
 * @throws SyncError `ERR_INVALID_STATE` when the state has another version, was taken at another seq or
 *   tick, or does not fit the view (another table count or number of quantized fields)
 */
export function restoreClientView(view: ClientView, state: ClientState, at: { seq: number; tick: number }): ServerMessage[] {
  if (state.version !== CLIENT_STATE_VERSION) {
    throw new SyncError('ERR_INVALID_STATE', `client state version ${state.version} is not ${CLIENT_STATE_VERSION}`)
  }
  if (state.seq !== at.seq || state.tick !== at.tick) {
    throw new SyncError('ERR_INVALID_STATE', `the client state was taken at seq ${state.seq}, tick ${state.tick}; the replicator is at seq ${at.seq}, tick ${at.tick}`)
  }
  const copy = structuredClone(state)
  const lastQ = copy.handles.lastQ
  const rows = copy.handles.rows
  const pending = copy.handles.pending
  if (
    !(lastQ instanceof Float64Array) ||
    !(rows instanceof Uint32Array) ||
    !(pending instanceof Uint32Array) ||
    lastQ.length !== rows.length * view.handles.qSlots ||
    pending.length !== rows.length * view.tableCount
  ) {
    throw new SyncError('ERR_INVALID_STATE', 'the client state does not fit this replicator (tables or quantized fields differ)')
  }
  Object.assign(view, copy.view)
  Object.assign(view.handles, copy.handles)
  Object.assign(view.subscriptions, copy.subscriptions, { areaMoved: true })
  return [...copy.afterUpdate]
}
