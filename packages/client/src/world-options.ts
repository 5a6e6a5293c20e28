import type { WebSocketConstructorLike } from '@orrery/connection'
import type { ConnectOptions } from './client-types.js'
import { worldWebSocket } from './world-socket.js'

/** A random ticket: 16 bytes, base64url. */
function randomTicket(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let text = ''
  for (const b of bytes) text += String.fromCharCode(b)
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The WebSocket class of a `connect({ url, world })`: it finds the world's process on each connect. */
export function worldSocketFor(o: Pick<ConnectOptions<never, never>, 'url' | 'world' | 'ticket' | 'processes' | 'worldUrl' | 'WebSocket'>): WebSocketConstructorLike {
  return worldWebSocket({
    worldId: o.world ?? '',
    ticket: o.ticket ?? randomTicket(),
    processes: [...new Set([o.url, ...(o.processes ?? [])])],
    ...(o.worldUrl === undefined ? {} : { firstUrl: o.worldUrl }),
    ...(o.WebSocket === undefined ? {} : { WebSocket: o.WebSocket }),
  })
}
