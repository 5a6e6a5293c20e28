import { describe, expect, it } from 'vitest'
import { CloseCode, closeCodeName, shouldReconnect } from './close-code.js'
import { ERROR_CODES, isErrorCode } from './error-code.js'
import { MessageType } from './message-type.js'
import { ProtocolError, type ProtocolErrorCode } from './protocol-error.js'

describe('close codes', () => {
  it('match the documented numbers', () => {
    expect(CloseCode).toEqual({
      Normal: 1000,
      GoingAway: 1001,
      MessageTooBig: 1009,
      InternalError: 1011,
      ProtocolError: 4000,
      UnsupportedVersion: 4001,
      AuthFailed: 4002,
      HandshakeTimeout: 4003,
      RateLimited: 4004,
      SlowConsumer: 4005,
      ServerShutdown: 4006,
      SessionReplaced: 4007,
      UnexpectedMessage: 4008,
      TokenExpired: 4009,
      TokenRefused: 4010,
      IdleTimeout: 4011,
      ServerFull: 4012,
      TooManyConnections: 4013,
    })
  })

  it('say when a client must not reconnect', () => {
    const final = Object.values(CloseCode).filter((code) => !shouldReconnect(code))
    expect(final.sort()).toEqual([1000, 4001, 4002, 4007])
    expect(shouldReconnect(1006)).toBe(true)
  })

  it('name known codes only', () => {
    expect(closeCodeName(4007)).toBe('SessionReplaced')
    expect(closeCodeName(1006)).toBeUndefined()
  })
})

describe('message tags', () => {
  it('are unique, client tags below 0x40 and server tags above', () => {
    const values = Object.values(MessageType)
    expect(new Set(values).size).toBe(values.length)
    expect(MessageType.RefreshToken).toBeLessThan(0x40)
    expect(MessageType.Challenge).toBeGreaterThan(0x40)
  })
})

describe('error codes', () => {
  it('every ProtocolError code a decoder raises is also a wire code', () => {
    const decoderCodes: ProtocolErrorCode[] = [
      'ERR_MALFORMED_FRAME',
      'ERR_FRAME_TOO_LARGE',
      'ERR_LIMIT_EXCEEDED',
      'ERR_UNKNOWN_MESSAGE',
      'ERR_INVALID_FIELD',
      'ERR_INVALID_ARGUMENTS',
      'ERR_UNSUPPORTED_VERSION',
    ]
    for (const code of decoderCodes) expect(isErrorCode(code)).toBe(true)
    expect(isErrorCode('ERR_NOPE')).toBe(false)
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length)
  })

  it('ProtocolError carries code, name and cause', () => {
    const cause = new Error('inner')
    const error = new ProtocolError('ERR_INVALID_FIELD', 'bad', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('ProtocolError')
    expect(error.code).toBe('ERR_INVALID_FIELD')
    expect(error.cause).toBe(cause)
    expect(error.message).toBe('bad')
  })
})
