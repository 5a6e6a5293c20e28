import type { CallReducer, SetArea, Subscribe, Unsubscribe } from '@orrery/protocol'
import type { HandshakeLimiter } from './auth/handshake-limiter.js'
import type { Authenticator, AuthResult } from './authenticator.js'
import type { ClientSession } from './client-session.js'
import type { Clock } from './clock.js'
import type { ResolvedLimits } from './options.js'

/** Counters a session adds to (shared by all sessions of a server). */
export interface SessionCounters {
  bytesSent: number
  bytesReceived: number
  messagesReceived: number
  errors: number
  rateLimited: number
}

/** What a session asks of the server it belongs to. */
export interface SessionHost {
  readonly limits: ResolvedLimits
  readonly authenticator: Authenticator
  readonly handshakes: HandshakeLimiter
  /** Timers of token expiry. */
  readonly clock: Clock
  readonly counters: SessionCounters
  /** The handshake succeeded: register the client, send Welcome, run onConnect. */
  admit(session: ClientSession, auth: AuthResult): void
  callReducer(session: ClientSession, message: CallReducer): void
  subscribe(session: ClientSession, message: Subscribe): void
  unsubscribe(session: ClientSession, message: Unsubscribe): void
  setArea(session: ClientSession, message: SetArea): void
  /** Whether a request is new in the session (false: its requestId was seen already and it is ignored). */
  firstRequest(session: ClientSession, requestId: number): boolean
  /** The session ended (called once); `admitted` tells whether Welcome was sent. */
  ended(session: ClientSession, admitted: boolean): void
}
