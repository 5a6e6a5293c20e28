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
 * allocates more than the frame size suggests. Counts the values it walks and refuses a frame with
 * more than `maxElements`.
 *
 * @param bytes - one frame
 * @param limits - resolved limits
 * @returns the number of msgpack values in the frame (the frame array included)
 * @throws ProtocolError `ERR_MALFORMED_FRAME` or `ERR_LIMIT_EXCEEDED`
 */
export function scanFrame(bytes: Uint8Array, limits: Readonly<Required<DecodeLimits>>): number {
  const end = bytes.length
  if (end === 0) malformed('empty frame')
  const first = bytes[0] as number
  if (!((first >= 0x90 && first <= 0x9f) || first === 0xdc || first === 0xdd)) {
    malformed('a frame must be a msgpack array')
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const maxDepth = limits.maxDepth
  // remaining[d]: values still to read inside the container at nesting level d (level 0 holds
  // the frame itself); isMap[d]: the container is a map, so a key is expected whenever
  // remaining[d] is even.
  const remaining: number[] = [1]
  const isMap: boolean[] = [false]
  let depth = 0
  let pos = 0
  let elements = 0
  const maxElements = limits.maxElements

  const need = (n: number): void => {
    if (pos + n > end) malformed('truncated frame')
  }
  const open = (count: number, map: boolean): void => {
    const values = map ? count * 2 : count
    if (count > limits.maxArrayLength) tooLong(`${map ? 'map' : 'array'} of ${count} entries exceeds maxArrayLength ${limits.maxArrayLength}`)
    if (values > end - pos) malformed('truncated frame: container longer than the frame')
    if (depth + 1 > maxDepth) tooLong(`nesting deeper than maxDepth ${maxDepth}`)
    if (values === 0) return
    depth++
    remaining[depth] = values
    isMap[depth] = map
  }
  const string = (length: number): void => {
    if (length > limits.maxStringLength) tooLong(`string of ${length} bytes exceeds maxStringLength ${limits.maxStringLength}`)
    need(length)
    if (!isWellFormedUtf8(bytes, pos, pos + length)) malformed('a string is not well-formed UTF-8')
    pos += length
  }

  while (depth >= 0) {
    if (remaining[depth] === 0) {
      depth--
      continue
    }
    const expectKey = isMap[depth] === true && (remaining[depth] as number) % 2 === 0
    remaining[depth] = (remaining[depth] as number) - 1
    if (++elements > maxElements) tooLong(`more than maxElements ${maxElements} values in one frame`)
    need(1)
    const b = bytes[pos++] as number
    if (expectKey && !((b >= 0xa0 && b <= 0xbf) || b === 0xd9 || b === 0xda || b === 0xdb)) {
      malformed('map keys must be strings')
    }
    if (b <= 0x7f || b >= 0xe0) continue
    if (b <= 0x8f) {
      open(b & 0x0f, true)
      continue
    }
    if (b <= 0x9f) {
      open(b & 0x0f, false)
      continue
    }
    if (b <= 0xbf) {
      string(b & 0x1f)
      continue
    }
    switch (b) {
      case 0xc0:
      case 0xc2:
      case 0xc3:
        break
      case 0xc4:
        need(1)
        pos += 1
        need(bytes[pos - 1] as number)
        pos += bytes[pos - 1] as number
        break
      case 0xc5: {
        need(2)
        const n = view.getUint16(pos)
        pos += 2
        need(n)
        pos += n
        break
      }
      case 0xc6: {
        need(4)
        const n = view.getUint32(pos)
        pos += 4
        need(n)
        pos += n
        break
      }
      case 0xca:
        need(4)
        pos += 4
        break
      case 0xcb:
        need(8)
        pos += 8
        break
      case 0xcc:
      case 0xd0:
        need(1)
        pos += 1
        break
      case 0xcd:
      case 0xd1:
        need(2)
        pos += 2
        break
      case 0xce:
      case 0xd2:
        need(4)
        pos += 4
        break
      case 0xcf:
      case 0xd3: {
        need(8)
        const hi = b === 0xcf ? view.getUint32(pos) : view.getInt32(pos)
        const value = hi * TWO_32 + view.getUint32(pos + 4)
        if (!Number.isSafeInteger(value)) malformed('64-bit integer outside the safe-integer range')
        pos += 8
        break
      }
      case 0xd9:
        need(1)
        pos += 1
        string(bytes[pos - 1] as number)
        break
      case 0xda: {
        need(2)
        const n = view.getUint16(pos)
        pos += 2
        string(n)
        break
      }
      case 0xdb: {
        need(4)
        const n = view.getUint32(pos)
        pos += 4
        string(n)
        break
      }
      case 0xdc:
      case 0xde: {
        need(2)
        const n = view.getUint16(pos)
        pos += 2
        open(n, b === 0xde)
        break
      }
      case 0xdd:
      case 0xdf: {
        need(4)
        const n = view.getUint32(pos)
        pos += 4
        open(n, b === 0xdf)
        break
      }
      case 0xc1:
        malformed('reserved byte 0xc1')
        break
      default:
        // 0xc7-0xc9 ext 8/16/32 and 0xd4-0xd8 fixext: msgpack extension types are refused.
        malformed(`msgpack extension type (0x${b.toString(16)}) is not allowed`)
    }
  }
  if (pos !== end) malformed(`${end - pos} trailing bytes after the frame`)
  return elements
}
