import { describe, expect, it } from 'vitest'
import { encodeClientMessage } from './encode-client.js'
import { encodeServerMessage } from './encode-server.js'
import { frameTag } from './frame-tag.js'
import { MessageType } from './message-type.js'

describe('frameTag', () => {
  it('reads the tag of client and server frames without decoding them', () => {
    expect(frameTag(encodeClientMessage({ type: 'Ping', clientTime: 1 }))).toBe(MessageType.Ping)
    expect(frameTag(encodeClientMessage({ type: 'Hello', protocolVersion: '2.2', token: null, resume: null }))).toBe(MessageType.Hello)
    expect(frameTag(encodeServerMessage({ type: 'Pong', clientTime: 1, serverTime: 2 }))).toBe(MessageType.Pong)
  })

  it('reads past 16- and 32-bit array headers and gives undefined for what is not a frame array', () => {
    expect(frameTag(new Uint8Array([0xdc, 0x00, 0x10, 0x07]))).toBe(7)
    expect(frameTag(new Uint8Array([0xdd, 0x00, 0x00, 0x00, 0x10, 0x09]))).toBe(9)
    expect(frameTag(new Uint8Array([]))).toBeUndefined()
    expect(frameTag(new Uint8Array([0xc1, 0x01]))).toBeUndefined()
  })
})
