/**
 * Bounds a decoder enforces on one untrusted frame before and while decoding it.
 *
 * @example
 * ```ts
 * declare const frame: Uint8Array // from the socket
 * decodeClientMessage(frame, { maxFrameBytes: 64 * 1024 })
 * ```
 */
export interface DecodeLimits {
  /** Largest accepted frame, in bytes. Default 1 MiB. */
  readonly maxFrameBytes?: number
  /** Most elements in one msgpack array (or entries in one map). Default 1 048 576. */
  readonly maxArrayLength?: number
  /** Longest msgpack string, in UTF-8 bytes. Default 65 536. */
  readonly maxStringLength?: number
  /** Deepest nesting of arrays and maps (the frame array is depth 1). Default 32. */
  readonly maxDepth?: number
  /**
   * Most msgpack values in one frame, counted over every level (the frame array, each element, each map
   * key and value). Bounds the decoder's work by what it builds, not only by bytes: a 64 KiB frame can hold
   * 65 000 empty maps. Default: no bound.
   */
  readonly maxElements?: number
}

/** The limits used for any field a caller leaves out of {@link DecodeLimits}. */
export const DEFAULT_DECODE_LIMITS: Readonly<Required<DecodeLimits>> = Object.freeze({
  maxFrameBytes: 1024 * 1024,
  maxArrayLength: 1024 * 1024,
  maxStringLength: 64 * 1024,
  maxDepth: 32,
  maxElements: Number.POSITIVE_INFINITY,
})

/** Fills in defaults. */
export function resolveLimits(limits: DecodeLimits | undefined): Readonly<Required<DecodeLimits>> {
  if (limits === undefined) return DEFAULT_DECODE_LIMITS
  return {
    maxFrameBytes: limits.maxFrameBytes ?? DEFAULT_DECODE_LIMITS.maxFrameBytes,
    maxArrayLength: limits.maxArrayLength ?? DEFAULT_DECODE_LIMITS.maxArrayLength,
    maxStringLength: limits.maxStringLength ?? DEFAULT_DECODE_LIMITS.maxStringLength,
    maxDepth: limits.maxDepth ?? DEFAULT_DECODE_LIMITS.maxDepth,
    maxElements: limits.maxElements ?? DEFAULT_DECODE_LIMITS.maxElements,
  }
}
