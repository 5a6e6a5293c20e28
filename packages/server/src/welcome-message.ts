import type { SchemaDescription, Welcome } from '@orrery/protocol'
import type { AuthResult } from './authenticator.js'

/** The schema a resumed Welcome carries: none, the session's first Welcome's holds. */
const RESUMED_SCHEMA: SchemaDescription = { components: [], reducers: [] }

/** The server's side of a Welcome. */
export interface WelcomeSource {
  /** Ticks per second, Hz. */
  readonly tickRate: number
  readonly schema: SchemaDescription
  /** Tick and server time (ms since the Unix epoch) of the last flushed update. */
  readonly flushedTick: number
  readonly flushedTime: number
}

/**
 * The Welcome that ends a handshake (docs/protocol.md, "Handshake").
 *
 * @param auth - who signed in, and the token to present next time
 * @param sessionId - the session's id
 * @param resumed - whether the session resumed (its Welcome then carries no schema)
 * @param seq - the seq the next update follows
 * @param server - tick rate, schema and the last flushed tick
 * @returns the message
 */
export function welcomeMessage(auth: AuthResult, sessionId: string, resumed: boolean, seq: number, server: WelcomeSource): Welcome {
  return {
    type: 'Welcome',
    identity: auth.identity,
    token: auth.token,
    sessionId,
    tickRate: server.tickRate,
    schema: resumed ? RESUMED_SCHEMA : server.schema,
    seq,
    resumed,
    tick: server.flushedTick,
    serverTime: server.flushedTime,
  }
}
