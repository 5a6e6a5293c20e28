import { FLOAT32_OPTIONS, Packr } from 'msgpackr'
import { type CodecCase, type CodecPath, copy, meanBytes } from './codec-case.js'
import { CYCLE, type Motion } from './motion.js'

/**
 * The floor: msgpackr packing the tick's moves as `[[id, x, y], ...]` (floats as float32, as the
 * fields are f32) and unpacking them, with no change tracking, no envelope and no state to apply to.
 *
 * @param m - the moves
 * @param path - which path to time
 * @returns the operation and the mean frame size
 */
export function msgpackrCase(m: Motion, path: CodecPath): CodecCase {
  const n = m.n
  const packr = new Packr({ useFloat32: FLOAT32_OPTIONS.ALWAYS })
  let tick = 0
  const step = (): Uint8Array => {
    tick++
    const base = (tick % CYCLE) * n
    const rows: [number, number, number][] = new Array(n)
    for (let i = 0; i < n; i++) rows[i] = [i + 1, m.x[base + i] as number, m.y[base + i] as number]
    return packr.pack(rows)
  }
  const frames: Uint8Array[] = []
  for (let k = 0; k < CYCLE; k++) frames.push(copy(step()))
  const bytesPerFrame = meanBytes(frames)
  if (path === 'encode') return { op: () => void step(), bytesPerFrame }
  let k = 0
  return {
    op: () => {
      packr.unpack(frames[k] as Uint8Array)
      if (++k === CYCLE) k = 0
    },
    bytesPerFrame,
  }
}
