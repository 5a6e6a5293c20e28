import { ProtocolError } from './protocol-error.js'

/**
 * The protocol version this package speaks, `major.minor`.
 *
 * A peer with the same major is compatible (minor versions only append optional trailing
 * fields, which decoders ignore); a different major is refused with
 * `CloseCode.UnsupportedVersion`.
 */
export const PROTOCOL_VERSION = '2.2' as const

/** A parsed `major.minor` protocol version. */
export interface ProtocolVersion {
  /** Incompatible changes bump the major. */
  readonly major: number
  /** Backward-compatible additions bump the minor. */
  readonly minor: number
}

const VERSION_PATTERN = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/

/**
 * Parses a `major.minor` protocol version string.
 *
 * @param version - e.g. `'2.0'`; each part is a decimal integer without leading zeros (at most 6 digits)
 * @returns the major and minor numbers
 * @throws ProtocolError `ERR_UNSUPPORTED_VERSION` when the string is not `major.minor`
 * @example
 * ```ts
 * parseProtocolVersion('1.2') // { major: 1, minor: 2 }
 * ```
 */
export function parseProtocolVersion(version: string): ProtocolVersion {
  const match = typeof version === 'string' ? VERSION_PATTERN.exec(version) : null
  if (match === null) {
    throw new ProtocolError('ERR_UNSUPPORTED_VERSION', `protocol version must be "major.minor", got ${JSON.stringify(version)}`)
  }
  return { major: Number(match[1]), minor: Number(match[2]) }
}

const CURRENT_MAJOR = Number(PROTOCOL_VERSION.split('.')[0])

/**
 * Tells whether a peer speaking `version` can talk to this package (same major version).
 *
 * @param version - the peer's `protocolVersion` from its Hello, e.g. `'2.3'`
 * @returns `true` when it parses and its major equals the major of {@link PROTOCOL_VERSION}
 * @example
 * ```ts
 * isCompatibleVersion('2.7') // true
 * isCompatibleVersion('1.0') // false
 * isCompatibleVersion('one') // false
 * ```
 * @see https://semver.org/ for the major/minor convention
 */
export function isCompatibleVersion(version: string): boolean {
  const match = typeof version === 'string' ? VERSION_PATTERN.exec(version) : null
  return match !== null && Number(match[1]) === CURRENT_MAJOR
}
