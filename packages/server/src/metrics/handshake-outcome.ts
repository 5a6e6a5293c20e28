import { CloseCode } from '@orrery/protocol'

/** How a handshake ended: the `outcome` label of `orrery_handshakes_total`. */
export type HandshakeOutcome = 'ok' | 'auth_failed' | 'rate_limited' | 'refused' | 'unsupported_version' | 'timeout' | 'aborted'

/** Every {@link HandshakeOutcome}, in export order. */
export const HANDSHAKE_OUTCOMES: readonly HandshakeOutcome[] = ['ok', 'auth_failed', 'rate_limited', 'refused', 'unsupported_version', 'timeout', 'aborted']

/**
 * The outcome of a handshake that ended before Welcome, from the code its socket closed with.
 * @param closeCode - the code this side closed with, else the peer's; null when the socket just dropped
 */
export function failedHandshake(closeCode: number | null): HandshakeOutcome {
  switch (closeCode) {
    case CloseCode.AuthFailed:
    case CloseCode.TokenRefused:
      return 'auth_failed'
    case CloseCode.RateLimited:
      return 'rate_limited'
    case CloseCode.ServerFull:
    case CloseCode.TooManyConnections:
      return 'refused'
    case CloseCode.UnsupportedVersion:
      return 'unsupported_version'
    case CloseCode.HandshakeTimeout:
      return 'timeout'
    default:
      return 'aborted'
  }
}
