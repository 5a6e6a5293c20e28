import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProtocolError } from './protocol-error.js'
import { PROTOCOL_VERSION, isCompatibleVersion, parseProtocolVersion } from './version.js'

describe('protocol version', () => {
  it('is 2.2 and compatible with itself', () => {
    expect(PROTOCOL_VERSION).toBe('2.2')
    expect(isCompatibleVersion(PROTOCOL_VERSION)).toBe(true)
  })

  it('accepts every minor of the same major and refuses other majors', () => {
    fc.assert(
      fc.property(fc.nat({ max: 999_999 }), fc.nat({ max: 999_999 }), (major, minor) => {
        expect(isCompatibleVersion(`${major}.${minor}`)).toBe(major === 2)
        expect(parseProtocolVersion(`${major}.${minor}`)).toEqual({ major, minor })
      }),
      { numRuns: 100 },
    )
  })

  it.each(['', '1', '1.', '.0', '01.0', '1.00', '1.0.0', 'v1.0', ' 1.0', '1.0 ', '1e0.0', '-1.0', '1234567.0'])(
    'refuses the malformed version %j',
    (version) => {
      expect(isCompatibleVersion(version)).toBe(false)
      expect(() => parseProtocolVersion(version)).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_VERSION' }))
      expect(() => parseProtocolVersion(version)).toThrow(ProtocolError)
    },
  )

  it('refuses every 1.x version (2.0 changed Subscribe, SubscribeApplied, TransactionUpdate and Welcome)', () => {
    for (const version of ['1.0', '1.1', '1.99']) expect(isCompatibleVersion(version)).toBe(false)
    for (const version of ['2.0', '2.1', '2.99']) expect(isCompatibleVersion(version)).toBe(true)
  })

  it('refuses non-strings without throwing from isCompatibleVersion', () => {
    expect(isCompatibleVersion(1 as unknown as string)).toBe(false)
    expect(isCompatibleVersion(null as unknown as string)).toBe(false)
  })
})
