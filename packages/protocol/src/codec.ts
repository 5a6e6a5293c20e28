import { Packr } from 'msgpackr'
import { scanFrame } from './frame-scan.js'
import { type DecodeLimits, resolveLimits } from './limits.js'
import { ProtocolError } from './protocol-error.js'

/**
 * The msgpack decoder (and the encoder of values `FrameWriter` leaves to it): no records, no structured
 * clone, no extra types, maps as plain objects, `undefined` as nil, 64-bit integers as numbers (the frame
 * scan has already refused unsafe ones), binary values copied out of the frame. Frames are encoded by
 * `packFrame` (frame-writer.ts).
 */
const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  moreTypes: false,
  mapsAsObjects: true,
  encodeUndefinedAsNil: true,
  int64AsType: 'number',
  copyBuffers: true,
  bundleStrings: false,
  variableMapSize: true,
})

/**
 * msgpackr's encoding of one value, for what `FrameWriter.value` does not write itself (bigints, dates,
 * maps, sets, typed arrays other than Uint8Array, class instances). The result is a fresh view.
 */
export function packValue(value: unknown): Uint8Array {
  return packr.pack(value)
}

/**
 * Checks the size and structure of one untrusted frame and decodes it to its array.
 *
 * @throws ProtocolError `ERR_FRAME_TOO_LARGE`, `ERR_LIMIT_EXCEEDED` or `ERR_MALFORMED_FRAME`
 */
export function unpackFrame(bytes: Uint8Array, limits: DecodeLimits | undefined): unknown[] {
  if (!(bytes instanceof Uint8Array)) {
    throw new ProtocolError('ERR_MALFORMED_FRAME', 'a frame must be a Uint8Array')
  }
  const resolved = resolveLimits(limits)
  if (bytes.length > resolved.maxFrameBytes) {
    throw new ProtocolError('ERR_FRAME_TOO_LARGE', `frame of ${bytes.length} bytes exceeds maxFrameBytes ${resolved.maxFrameBytes}`)
  }
  scanFrame(bytes, resolved)
  // Decode from a plain Uint8Array view so that binary values come out as plain Uint8Arrays
  // (not Node Buffers) whatever the frame's own class.
  const plain = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let value: unknown
  try {
    value = packr.unpack(plain)
  } catch (cause) {
    throw new ProtocolError('ERR_MALFORMED_FRAME', 'msgpack decoding failed', { cause })
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new ProtocolError('ERR_MALFORMED_FRAME', 'a frame must be a non-empty msgpack array')
  }
  return value
}
