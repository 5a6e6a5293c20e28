import { type ArgsSchema, type CallReducer, encodeArgs } from '@orrery/protocol'
import type { Replicator } from '@orrery/sync'
import type { Logger } from 'pino'
import type { Identity } from './authenticator.js'
import type { SessionCounters } from './client-session.js'
import type { Telemetry } from './metrics/telemetry.js'
import { messageOf, type ReducerDispatcher } from './reducer-dispatcher.js'
import type { ResultDelivery } from './result-delivery.js'
import { ServerError } from './server-error.js'

/** The session a reducer call came from. */
export interface CallingSession {
  readonly id: string
  readonly identity: Identity | null
  readonly log: Logger
}

/** What {@link ReducerCalls} works with. */
export interface ReducerCallsDeps {
  readonly dispatcher: ReducerDispatcher
  readonly replicator: Replicator
  readonly results: ResultDelivery
  readonly counters: SessionCounters
  readonly telemetry: Telemetry | null
  readonly log: Logger
}

/**
 * Reducer calls, from clients (CallReducer: run, acknowledge in the next update, answer after it and, with a
 * durable log, after the group commit) and in process (`server.call`), with their counts.
 */
export class ReducerCalls {
  /** Calls from clients. */
  calls = 0
  /** Calls from clients that failed. */
  errors = 0

  constructor(private readonly deps: ReducerCallsDeps) {}

  /**
   * A client's CallReducer.
   *
   * @param session - the caller
   * @param clientId - the replicator's id of its session
   * @param message - the call
   */
  fromClient(session: CallingSession, clientId: string, message: CallReducer): void {
    const { dispatcher, replicator, results, counters, telemetry } = this.deps
    this.calls++
    const started = performance.now()
    const outcome = dispatcher.dispatch(message.reducer, message.args, {
      sender: session.identity as Identity,
      connectionId: session.id,
      log: session.log,
    })
    telemetry?.reducer(message.reducer, outcome.ok ? null : outcome.code, performance.now() - started)
    // The result follows the update that holds the call's effects (its `ack` names the call) and, with a
    // durable log, the group commit of its transaction: a client that awaits the call reads its effects.
    replicator.acknowledge(clientId, message.requestId)
    if (outcome.ok) {
      try {
        results.succeeded(clientId, message.requestId, outcome.value)
      } catch (error) {
        this.errors++
        counters.errors++
        session.log.error({ err: error, reducer: message.reducer }, 'reducer result could not be encoded')
        results.failed(clientId, { type: 'ReducerResult', requestId: message.requestId, ok: false, code: 'ERR_INTERNAL', message: 'the result could not be encoded' })
      }
      return
    }
    this.errors++
    session.log.debug({ reducer: message.reducer, code: outcome.code, message: outcome.message }, 'reducer call failed')
    results.failed(clientId, { type: 'ReducerResult', requestId: message.requestId, ok: false, code: outcome.code, message: outcome.message })
  }

  /**
   * A call in process (`server.call`): runs the reducer now, as `sender`.
   *
   * @throws {ServerError} `ERR_UNKNOWN_REDUCER`, `ERR_INVALID_ARGUMENTS`, or the reducer's failure
   */
  inProcess(reducer: string, args: Readonly<Record<string, unknown>>, sender: Identity): unknown {
    const { dispatcher, log } = this.deps
    const def = dispatcher.get(reducer)
    if (def === undefined) throw new ServerError('ERR_UNKNOWN_REDUCER', `no reducer named '${reducer}'`)
    let positional: unknown[]
    try {
      positional = encodeArgs(def.args as ArgsSchema, args as never)
    } catch (error) {
      throw new ServerError('ERR_INVALID_ARGUMENTS', messageOf(error), { cause: error })
    }
    const outcome = dispatcher.dispatch(reducer, positional, { sender, connectionId: null, log })
    if (outcome.ok) return outcome.value
    throw new ServerError(outcome.code, outcome.message, { cause: outcome.cause })
  }
}
