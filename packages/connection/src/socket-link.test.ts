import { describe, expect, it } from 'vitest'
import { SocketLink } from './socket-link.js'
import { FakeWebSocket } from './test-utils/fake-websocket.js'

const counters = () => ({ bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 })
const events = { open() {}, message() {}, malformed() {}, gone() {} }

/** A browser's WebSocket: `binaryType` is 'blob' or 'arraybuffer'; another value is ignored. */
function browserLikeSocket(): FakeWebSocket {
  const socket = new FakeWebSocket('ws://x')
  let type = 'blob'
  Object.defineProperty(socket, 'binaryType', {
    get: () => type,
    set: (value: string) => {
      if (value === 'blob' || value === 'arraybuffer') type = value
    },
  })
  return socket
}

describe('SocketLink', () => {
  it('asks for Buffers where the socket gives them (Node ws), and for ArrayBuffers in a browser', () => {
    const node = new FakeWebSocket('ws://x')
    new SocketLink(node, {}, counters(), events)
    expect(node.binaryType).toBe('nodebuffer')
    const browser = browserLikeSocket()
    new SocketLink(browser, {}, counters(), events)
    expect(browser.binaryType).toBe('arraybuffer')
  })
})
