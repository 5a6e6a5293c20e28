import { type ArgsOf, type ArgsSchema, encodeArgs, type ReducerResult } from '@orrery/protocol'
import { ClientError } from './client-error.js'

/** One typed reducer caller: arguments by name, resolves with the reducer's return value. */
export type ReducerCaller<A extends ArgsSchema> = keyof A extends never
  ? (args?: ArgsOf<A>) => Promise<unknown>
  : (args: ArgsOf<A>) => Promise<unknown>

/** `client.reducers`: one caller per reducer of the shared arg schemas. */
export type Reducers<R extends Record<string, ArgsSchema>> = { readonly [K in keyof R & string]: ReducerCaller<R[K]> }

/** Sends a CallReducer with positional arguments and resolves with the server's ReducerResult. */
export type ReducerTransport = (reducer: string, args: unknown[]) => Promise<ReducerResult>

/**
 * Builds `client.reducers`: each caller validates its arguments locally with
 * `encodeArgs` (rejecting `ERR_INVALID_ARGUMENTS` without a round trip), sends
 * them, and maps a failed ReducerResult to a {@link ClientError}.
 *
 * @param schemas - the reducers' arg schemas by name
 * @param transport - sends one call and resolves with its ReducerResult
 * @returns the reducer callers by name
 */
export function createReducers<R extends Record<string, ArgsSchema>>(schemas: R, transport: ReducerTransport): Reducers<R> {
  const out: Record<string, (args?: Record<string, unknown>) => Promise<unknown>> = {}
  for (const [name, schema] of Object.entries(schemas)) {
    out[name] = async (args = {}) => {
      let positional: unknown[]
      try {
        positional = encodeArgs(schema, args as ArgsOf<ArgsSchema>)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        throw new ClientError('ERR_INVALID_ARGUMENTS', `${name}: ${message}`, { cause: error })
      }
      const result = await transport(name, positional)
      if (result.ok) return result.value
      throw new ClientError(reducerErrorCode(result.code), result.message, { remoteCode: result.code })
    }
  }
  return out as unknown as Reducers<R>
}

/**
 * The client error code for a failed ReducerResult's remote code: the reducer codes as they are, any other
 * as `ERR_REMOTE`.
 *
 * @param remote - the ReducerResult's `code`
 * @returns the {@link ClientError} code
 */
export function reducerErrorCode(remote: string): ClientError['code'] {
  if (remote === 'ERR_UNKNOWN_REDUCER' || remote === 'ERR_INVALID_ARGUMENTS' || remote === 'ERR_REDUCER_FAILED') return remote
  return 'ERR_REMOTE'
}

