import { type ArgsSchema, decodeArgs } from '@orrery/protocol'
import type { ModuleDef, ReducerDef } from './module.js'
import type { TransactionCaller, TransactionRunner } from './transaction-runner.js'

/** The outcome of one reducer call, ready for a ReducerResult frame. */
export type DispatchOutcome =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false
      readonly code: 'ERR_UNKNOWN_REDUCER' | 'ERR_INVALID_ARGUMENTS' | 'ERR_REDUCER_FAILED'
      readonly message: string
      readonly cause?: unknown
    }

/**
 * Looks reducers up by name, decodes their positional arguments against the
 * arg schema, and runs each call as one transaction. Never throws: every
 * failure becomes an outcome with a wire error code.
 */
export class ReducerDispatcher {
  private readonly reducers: ReadonlyMap<string, ReducerDef>
  private readonly runner: TransactionRunner

  /**
   * @param module - the hosted module (its reducers are indexed once)
   * @param runner - runs and commits transactions
   */
  constructor(module: ModuleDef<Record<string, ArgsSchema>>, runner: TransactionRunner) {
    this.reducers = new Map(Object.entries(module.reducers))
    this.runner = runner
  }

  /** @returns the reducer named `name`, if the module defines it */
  get(name: string): ReducerDef | undefined {
    return this.reducers.get(name)
  }

  /**
   * Decodes and runs one call.
   * @param name - reducer name from the CallReducer frame
   * @param rawArgs - positional arguments as received
   * @param caller - sender, connection id and logger
   * @returns ok with the reducer's return value, or the error code and message
   */
  dispatch(name: string, rawArgs: readonly unknown[], caller: TransactionCaller): DispatchOutcome {
    const reducer = this.reducers.get(name)
    if (reducer === undefined) {
      return { ok: false, code: 'ERR_UNKNOWN_REDUCER', message: `no reducer named '${name}'` }
    }
    let args: Record<string, unknown>
    try {
      args = decodeArgs(reducer.args, rawArgs) as Record<string, unknown>
    } catch (error) {
      return { ok: false, code: 'ERR_INVALID_ARGUMENTS', message: messageOf(error), cause: error }
    }
    try {
      const value = this.runner.run(caller, 'reducer', name, (ctx) => reducer.run(ctx, args))
      return { ok: true, value: value === undefined ? null : value }
    } catch (error) {
      return { ok: false, code: 'ERR_REDUCER_FAILED', message: messageOf(error), cause: error }
    }
  }
}

/** The message of a thrown value, whatever was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return typeof error === 'string' ? error : String(error)
}
