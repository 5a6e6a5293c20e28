import { CloseCode } from '@orrery/protocol'

/** Closes caused by what the client sent on purpose or by a broken client, never by the network or the server. */
const ABUSIVE: ReadonlySet<number> = new Set<number>([
  CloseCode.ProtocolError,
  CloseCode.RateLimited,
  CloseCode.UnexpectedMessage,
  CloseCode.MessageTooBig,
])

/**
 * Tells whether the server closing a session with `code` is the client's abuse, which costs the client's
 * address and identity handshakes (`abusePenalty`).
 *
 * @param code - the close code the server sends
 * @returns true for ProtocolError, RateLimited, UnexpectedMessage and MessageTooBig
 */
export function isAbusiveClose(code: number): boolean {
  return ABUSIVE.has(code)
}
