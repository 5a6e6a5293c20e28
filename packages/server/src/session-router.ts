import type { ClientMessage } from '@orrery/protocol'
import { CloseCode } from '@orrery/protocol'
import type { Identity } from './authenticator.js'
import type { ClientSession } from './client-session.js'
import type { SessionHandshake } from './session-handshake.js'

/**
 * Hands one decoded client message to what takes it, in the order the protocol allows (docs/protocol.md,
 * "Handshake"): Hello, then Authenticate (or a token answer right behind Hello), then after Welcome the
 * requests; anything else closes the connection with CloseCode.UnexpectedMessage.
 *
 * @param session - the connection it came on
 * @param handshake - the connection's handshake
 * @param message - the message
 * @param requestId - its request id, when it has one
 */
export function routeMessage(session: ClientSession, handshake: SessionHandshake, message: ClientMessage, requestId: number | null): void {
  if (session.state === 'hello' && message.type === 'Hello') {
    handshake.onHello(message).catch((error: unknown) => session.crashed(error))
    return
  }
  if (session.state === 'challenged' && message.type === 'Authenticate') {
    handshake.onAuthenticate(message.method, message.credential).catch((error: unknown) => session.crashed(error))
    return
  }
  // A token answer may come right behind Hello (2.1): it is taken once the Challenge is out.
  if (message.type === 'Authenticate' && handshake.keepEarly(message)) return
  if (session.state === 'ready') {
    // A request sent again after a resume: its answer is in the session's stream already.
    if (requestId !== null && message.type !== 'Ping' && !session.host.firstRequest(session, requestId)) return
    switch (message.type) {
      case 'CallReducer':
        session.host.callReducer(session, message)
        return
      case 'Subscribe':
        session.host.subscribe(session, message)
        return
      case 'Unsubscribe':
        session.host.unsubscribe(session, message)
        return
      case 'SetArea':
        session.host.setArea(session, message)
        return
      case 'Ping':
        session.send({ type: 'Pong', clientTime: message.clientTime, serverTime: Date.now() })
        return
      case 'RefreshToken':
        handshake.onRefreshToken(message.requestId, session.identity as Identity).catch((error: unknown) => session.crashed(error))
        return
      default:
        break
    }
  }
  session.fail(
    'ERR_UNEXPECTED_MESSAGE',
    `${message.type} is not allowed ${session.state === 'ready' ? 'after the handshake' : 'before the handshake completes'}`,
    CloseCode.UnexpectedMessage,
    requestId,
  )
}
