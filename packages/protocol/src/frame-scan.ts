import type { DecodeLimits } from './limits.js'
import { ProtocolError } from './protocol-error.js'

const TWO_32 = 4294967296

// Fatal: a string that is not well-formed UTF-8 would decode to U+FFFD replacement characters
// and re-encode to different bytes, so it is refused instead.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function isWellFormedUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if ((bytes[i] as number) >= 0x80) {
      try {
        utf8.decode(bytes.subarray(i, end))
        return true
      } catch {
        return false
      }
    }
  }
  return true
}

function malformed(message: string): never {
  throw new ProtocolError('ERR_MALFORMED_FRAME', message)
}

function tooLong(message: string): never {
  throw new ProtocolError('ERR_LIMIT_EXCEEDED', message)
}

/**
 * Walks the msgpack bytes of one frame without building values, and refuses anything the
 * codec must never hand to the msgpack decoder: truncated input, trailing bytes, the reserved
 * byte 0xc1, extension types (ext 8/16/32, fixext), map keys that are not strings, strings
 * that are not well-formed UTF-8 (RFC 3629), 64-bit
 * integers outside the safe-integer range, and lengths or nesting over the limits. Because
 * every declared length is checked against the bytes that remain, the decoder never
 * allocates more than the frame size suggests.
 *
 * @param bytes - one frame
 * @param limits - resolved limits
 * @throws ProtocolError `ERR_MALFORMED_FRAME` or `ERR_LIMIT_EXCEEDED`
 */
export function scanFrame(bytes: Uint8Array, limits: Readonly<Required<DecodeLimits>>): void {
  scanner.scan(bytes, limits)
}

/**
 * The walk of {@link scanFrame}, its state in fields (one scanner serves every call: a scan runs to its
 * end or throws, synchronously, so calls never interleave).
 */
class FrameScanner {
  private bytes: Uint8Array = new Uint8Array(0)
  private limits: Readonly<Required<DecodeLimits>> | null = null
  private end = 0
  private pos = 0
  private depth = 0
  // remaining[d]: values still to read inside the container at nesting level d (level 0 holds
  // the frame itself); isMap[d]: the container is a map, so a key is expected whenever
  // remaining[d] is even.
  private readonly remaining: number[] = [1]
  private readonly isMap: boolean[] = [false]

  scan(bytes: Uint8Array, limits: Readonly<Required<DecodeLimits>>): void {
    const end = bytes.length
    if (end === 0) malformed('empty frame')
    const first = bytes[0] as number
    if (!((first >= 0x90 && first <= 0x9f) || first === 0xdc || first === 0xdd)) {
      malformed('a frame must be a msgpack array')
    }
    this.bytes = bytes
    this.limits = limits
    this.end = end
    this.pos = 0
    this.depth = 0
    const remaining = this.remaining
    const isMap = this.isMap
    remaining[0] = 1
    isMap[0] = false
    try {
      this.walk(bytes, remaining, isMap)
    } finally {
      this.bytes = EMPTY
      this.limits = null
    }
    if (this.pos !== end) malformed(`${end - this.pos} trailing bytes after the frame`)
  }

  private walk(bytes: Uint8Array, remaining: number[], isMap: boolean[]): void {
    while (this.depth >= 0) {
      const depth = this.depth
      if (remaining[depth] === 0) {
        this.depth--
        continue
      }
      const expectKey = isMap[depth] === true && (remaining[depth] as number) % 2 === 0
      remaining[depth] = (remaining[depth] as number) - 1
      this.need(1)
      const b = bytes[this.pos++] as number
      if (expectKey && !((b >= 0xa0 && b <= 0xbf) || b === 0xd9 || b === 0xda || b === 0xdb)) {
        malformed('map keys must be strings')
      }
      if (b <= 0x7f || b >= 0xe0) continue
      if (b <= 0x8f) {
        this.open(b & 0x0f, true)
        continue
      }
      if (b <= 0x9f) {
        this.open(b & 0x0f, false)
        continue
      }
      if (b <= 0xbf) {
        this.string(b & 0x1f)
        continue
      }
      this.other(b)
    }
  }

  /** The types past the fixed forms: nil, booleans, bin, floats, sized integers, strings, containers. */
  private other(b: number): void {
    const bytes = this.bytes
    switch (b) {
      case 0xc0:
      case 0xc2:
      case 0xc3:
        break
      case 0xc4:
        this.need(1)
        this.pos += 1
        this.skip(bytes[this.pos - 1] as number)
        break
      case 0xc5:
        this.need(2)
        this.pos += 2
        this.skip(uint16(bytes, this.pos - 2))
        break
      case 0xc6:
        this.need(4)
        this.pos += 4
        this.skip(uint32(bytes, this.pos - 4))
        break
      case 0xca:
        this.skip(4)
        break
      case 0xcb:
        this.skip(8)
        break
      case 0xcc:
      case 0xd0:
        this.skip(1)
        break
      case 0xcd:
      case 0xd1:
        this.skip(2)
        break
      case 0xce:
      case 0xd2:
        this.skip(4)
        break
      case 0xcf:
      case 0xd3: {
        this.need(8)
        const hi = b === 0xcf ? uint32(bytes, this.pos) : uint32(bytes, this.pos) | 0
        const value = hi * TWO_32 + uint32(bytes, this.pos + 4)
        if (!Number.isSafeInteger(value)) malformed('64-bit integer outside the safe-integer range')
        this.pos += 8
        break
      }
      case 0xd9:
        this.need(1)
        this.pos += 1
        this.string(bytes[this.pos - 1] as number)
        break
      case 0xda:
        this.need(2)
        this.pos += 2
        this.string(uint16(bytes, this.pos - 2))
        break
      case 0xdb:
        this.need(4)
        this.pos += 4
        this.string(uint32(bytes, this.pos - 4))
        break
      case 0xdc:
      case 0xde:
        this.need(2)
        this.pos += 2
        this.open(uint16(bytes, this.pos - 2), b === 0xde)
        break
      case 0xdd:
      case 0xdf:
        this.need(4)
        this.pos += 4
        this.open(uint32(bytes, this.pos - 4), b === 0xdf)
        break
      case 0xc1:
        malformed('reserved byte 0xc1')
        break
      default:
        // 0xc7-0xc9 ext 8/16/32 and 0xd4-0xd8 fixext: msgpack extension types are refused.
        malformed(`msgpack extension type (0x${b.toString(16)}) is not allowed`)
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.end) malformed('truncated frame')
  }

  private skip(n: number): void {
    this.need(n)
    this.pos += n
  }

  private open(count: number, map: boolean): void {
    const limits = this.limits as Readonly<Required<DecodeLimits>>
    const values = map ? count * 2 : count
    if (count > limits.maxArrayLength) tooLong(`${map ? 'map' : 'array'} of ${count} entries exceeds maxArrayLength ${limits.maxArrayLength}`)
    if (values > this.end - this.pos) malformed('truncated frame: container longer than the frame')
    if (this.depth + 1 > limits.maxDepth) tooLong(`nesting deeper than maxDepth ${limits.maxDepth}`)
    if (values === 0) return
    this.depth++
    this.remaining[this.depth] = values
    this.isMap[this.depth] = map
  }

  private string(length: number): void {
    const limits = this.limits as Readonly<Required<DecodeLimits>>
    if (length > limits.maxStringLength) tooLong(`string of ${length} bytes exceeds maxStringLength ${limits.maxStringLength}`)
    this.need(length)
    if (!isWellFormedUtf8(this.bytes, this.pos, this.pos + length)) malformed('a string is not well-formed UTF-8')
    this.pos += length
  }
}

const EMPTY = new Uint8Array(0)
const scanner = new FrameScanner()

function uint16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number)
}

function uint32(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) * 0x1000000 + (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number))
}
