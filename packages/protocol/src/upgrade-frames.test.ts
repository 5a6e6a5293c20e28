import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeClientMessage } from './encode-client.js'
import { ProtocolError } from './protocol-error.js'
import { framesFromProtocols, MAX_UPGRADE_FRAMES, UPGRADE_FRAMES_PROTOCOL, upgradeProtocols } from './upgrade-frames.js'

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

describe('frames in the upgrade request', () => {
  it('round-trips any frames through subprotocol values that are RFC 7230 tokens', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: MAX_UPGRADE_FRAMES }), (frames) => {
        const protocols = upgradeProtocols(frames)
        expect(protocols.at(-1)).toBe(UPGRADE_FRAMES_PROTOCOL)
        for (const value of protocols) expect(value).toMatch(TOKEN)
        expect(framesFromProtocols(protocols, 8192)).toEqual(frames)
      }),
    )
  })

  it('carries a Hello', () => {
    const hello = encodeClientMessage({ type: 'Hello', protocolVersion: '2.2', token: 'tok', resume: null })
    const [frame] = framesFromProtocols(upgradeProtocols([hello]), 8192) ?? []
    expect(frame).toEqual(hello)
  })

  it('is null without the marker (frames go on the socket)', () => {
    expect(framesFromProtocols(['chat', 'orrery.frame.AAAA'], 8192)).toBeNull()
    expect(framesFromProtocols([], 8192)).toBeNull()
  })

  it('refuses too many frames, oversized frames and values that are not base64url', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn()
      } catch (error) {
        return error instanceof ProtocolError ? error.code : 'other'
      }
      return undefined
    }
    const three = [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])]
    expect(code(() => upgradeProtocols(three))).toBe('ERR_LIMIT_EXCEEDED')
    expect(code(() => framesFromProtocols(['orrery.frame.AQ', 'orrery.frame.Ag', 'orrery.frame.Aw', UPGRADE_FRAMES_PROTOCOL], 8192))).toBe(
      'ERR_LIMIT_EXCEEDED',
    )
    expect(code(() => framesFromProtocols(upgradeProtocols([new Uint8Array(100)]), 64))).toBe('ERR_FRAME_TOO_LARGE')
    expect(code(() => framesFromProtocols(['orrery.frame.a+b/', UPGRADE_FRAMES_PROTOCOL], 8192))).toBe('ERR_MALFORMED_FRAME')
    expect(code(() => framesFromProtocols(['orrery.frame.A', UPGRADE_FRAMES_PROTOCOL], 8192))).toBe('ERR_MALFORMED_FRAME')
  })
})
