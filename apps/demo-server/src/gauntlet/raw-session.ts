import { type KeyIdentity, serverNameOf, signChallenge } from '@orrery/auth'
import { decodeServerMessage, encodeClientMessage, MessageType, PROTOCOL_VERSION, type ServerMessage } from '@orrery/protocol'
import { frameTag } from '@orrery/protocol/internal'
import WebSocket from 'ws'

/** A signed-in connection of a gauntlet client. */
export interface RawSession {
  readonly ws: WebSocket
  /** The session token from Welcome (to sign in again with it). */
  readonly token: string
  /** Resolves with the close code when the socket closes. */
  readonly closed: Promise<number>
}

/**
 * Opens a WebSocket from a given local address (loopback addresses 127.0.0.x stand for many machines).
 *
 * @param url - the server URL
 * @param localAddress - the address to connect from
 * @returns the socket (not yet open) and a promise of its close code
 */
export function openSocket(url: string, localAddress: string): { ws: WebSocket; closed: Promise<number> } {
  const ws = new WebSocket(url, { localAddress, handshakeTimeout: 10_000 })
  ws.on('error', () => undefined)
  const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)))
  return { ws, closed }
}

/**
 * Signs in over a fresh socket: Hello (with `token` when given), then a signature of the challenge, or the
 * token. Decodes only the handshake frames.
 *
 * @param url - the server URL
 * @param key - the identity to sign with
 * @param localAddress - the address to connect from
 * @param token - a session token to present instead of signing, or null
 * @param onFrame - called for each frame sent (Hello, Authenticate)
 * @returns the session once Welcome arrived
 * @throws Error with the close code when the server closes first
 */
export function signIn(url: string, key: KeyIdentity, localAddress: string, token: string | null = null, onFrame: () => void = () => undefined): Promise<RawSession> {
  const { ws, closed } = openSocket(url, localAddress)
  return new Promise((resolve, reject) => {
    const onMessage = (data: Buffer): void => {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      const tag = frameTag(bytes)
      if (tag !== MessageType.Challenge && tag !== MessageType.Welcome) return
      let message: ServerMessage
      try {
        message = decodeServerMessage(bytes, { maxFrameBytes: 16 * 1024 * 1024 })
      } catch (error) {
        reject(error)
        return
      }
      if (message.type === 'Challenge') {
        const answer =
          token !== null && message.methods.includes('token')
            ? { method: 'token' as const, credential: token }
            : { method: 'signature' as const, credential: signChallenge(key, { serverName: serverNameOf(url), nonce: message.nonce }) }
        ws.send(encodeClientMessage({ type: 'Authenticate', ...answer }))
        onFrame()
      } else if (message.type === 'Welcome') {
        ws.off('message', onMessage)
        resolve({ ws, token: message.token, closed })
      }
    }
    ws.on('message', onMessage)
    ws.once('open', () => {
      ws.send(encodeClientMessage({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token, resume: null }))
      onFrame()
    })
    closed.then((code) => reject(new Error(`closed before Welcome (${code})`)))
  })
}
