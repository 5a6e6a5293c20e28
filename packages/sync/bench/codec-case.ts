import type { MeasureOptions } from '@orrery/tooling-bench'

/** One measured path of one library: the operation to time and the mean size of the frames it makes. */
export interface CodecCase {
  /** One tick's work: encode one frame (server path) or decode and apply one (client path). */
  readonly op: () => void
  /** Mean bytes per frame over one cycle of moves. */
  readonly bytesPerFrame: number
}

/**
 * Which path a case measures (`transaction`: Orrery's world writes alone, a part of its encode path;
 * `viewEncode` / `viewDecode`: a client's view jumping between two groups of entities at rest, for Orrery
 * and @colyseus/schema's StateView only).
 */
export type CodecPath = 'encode' | 'decode' | 'transaction' | 'viewEncode' | 'viewDecode'

/** The libraries compared (`colyseusView`: @colyseus/schema filtering per client through a StateView). */
export const LIBS = ['orrery', 'colyseus', 'msgpackr', 'colyseusView'] as const
export type Lib = (typeof LIBS)[number]

/** What the main thread asks a worker to measure. */
export interface CodecJob {
  readonly lib: Lib
  readonly n: number
  readonly path: CodecPath
  readonly opts: MeasureOptions
}

/** What a worker answers: every sample's ops/s and the mean frame size. */
export interface CodecResult {
  readonly samples: readonly number[]
  readonly bytesPerFrame: number
}

/** Mean length of some frames, in bytes. */
export function meanBytes(frames: readonly Uint8Array[]): number {
  let total = 0
  for (const f of frames) total += f.byteLength
  return total / frames.length
}

/** A copy of bytes that may live in an encoder's shared buffer (a Node Buffer's `slice` would not copy). */
export function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}
