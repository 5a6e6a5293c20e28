// Loaded by the server's behaviour worker threads (their viewModule) and by the behaviour editor's dry run:
// it imports nothing, the frame carries the constants.

/** Most food and most other circles in a view (the nearest ones). */
export const VIEW_LIMIT = 24

const HEADER = 5
const STRIDE = 4
const CELL = 40

interface FrameIndex {
  readonly frame: Float64Array
  readonly cols: number
  readonly start: Int32Array
  readonly items: Int32Array
  readonly byOwner: Map<number, number[]>
}

let last: FrameIndex | null = null

/** A grid of the frame's bodies (counting sort by cell) and circles by owner, built once per frame. */
function indexOf(frame: Float64Array): FrameIndex {
  if (last?.frame === frame) return last
  const size = frame[1] ?? 1000
  const n = frame[4] ?? 0
  const cols = Math.ceil(size / CELL) + 1
  const cellOf = (i: number): number => {
    const x = Math.min(cols - 1, Math.max(0, Math.floor((frame[HEADER + i * STRIDE] ?? 0) / CELL)))
    const y = Math.min(cols - 1, Math.max(0, Math.floor((frame[HEADER + i * STRIDE + 1] ?? 0) / CELL)))
    return y * cols + x
  }
  const start = new Int32Array(cols * cols + 1)
  for (let i = 0; i < n; i++) (start[cellOf(i) + 1] as number)++
  for (let c = 0; c < cols * cols; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number)
  const fill = start.slice(0, cols * cols)
  const items = new Int32Array(n)
  const byOwner = new Map<number, number[]>()
  for (let i = 0; i < n; i++) {
    const c = cellOf(i)
    items[fill[c] as number] = i
    fill[c] = (fill[c] as number) + 1
    const owner = frame[HEADER + i * STRIDE + 3] ?? -1
    if (owner >= 0) {
      const list = byOwner.get(owner)
      if (list === undefined) byOwner.set(owner, [i])
      else list.push(i)
    }
  }
  last = { frame, cols, start, items, byOwner }
  return last
}

const r1 = (v: number): number => Math.round(v * 10) / 10

function listJson(frame: Float64Array, seen: number[][]): string {
  seen.sort((a, b) => (a[1] as number) - (b[1] as number))
  let out = ''
  for (let k = 0; k < seen.length && k < VIEW_LIMIT; k++) {
    const o = HEADER + (seen[k]?.[0] as number) * STRIDE
    out += `${k === 0 ? '' : ','}{"x":${r1(frame[o] as number)},"y":${r1(frame[o + 1] as number)},"mass":${frame[o + 2]}}`
  }
  return `[${out}]`
}

/**
 * Builds one agent's view from a frame (see `captureFrame`): what the behaviour's `tick(view)` receives,
 * as JSON text of plain data. `self`: alive, the centre (mass-weighted) and total mass of its circles, and
 * each circle; `food` and `others` (other players' circles): the nearest {@link VIEW_LIMIT} within the view
 * radius of the centre, positions in world units rounded to 0.1; `world`: size, least mass to split, view
 * radius; `tick`. A pure function of (frame, player): the same frame gives the same view on any thread.
 *
 * @param frame - the frame, a Float64Array
 * @param input - the agent's player entity, as decimal text
 * @returns the view as JSON text
 * @example
 * buildView(captureFrame(world, 42), String(player)) // '{"tick":42,"self":{"alive":true,...},...}'
 */
export function buildView(frame: unknown, input: string): string {
  const f = frame as Float64Array
  const index = indexOf(f)
  const player = Number(input)
  const world = `{"size":${f[1]},"minMassToSplit":${f[2]},"viewRadius":${f[3]}}`
  const own = index.byOwner.get(player) ?? []
  let mass = 0
  let cx = 0
  let cy = 0
  let circles = ''
  for (const i of own) {
    const o = HEADER + i * STRIDE
    const m = f[o + 2] as number
    mass += m
    cx += (f[o] as number) * m
    cy += (f[o + 1] as number) * m
    circles += `${circles === '' ? '' : ','}{"x":${r1(f[o] as number)},"y":${r1(f[o + 1] as number)},"mass":${m}}`
  }
  const tick = f[0]
  if (mass === 0) return `{"tick":${tick},"self":{"alive":false,"x":0,"y":0,"mass":0,"circles":[]},"food":[],"others":[],"world":${world}}`
  cx /= mass
  cy /= mass
  const radius = f[3] as number
  const food: number[][] = []
  const others: number[][] = []
  const lo = (v: number): number => Math.max(0, Math.floor((v - radius) / CELL))
  const hi = (v: number): number => Math.min(index.cols - 1, Math.floor((v + radius) / CELL))
  for (let gy = lo(cy); gy <= hi(cy); gy++) {
    for (let gx = lo(cx); gx <= hi(cx); gx++) {
      const c = gy * index.cols + gx
      for (let k = index.start[c] as number; k < (index.start[c + 1] as number); k++) {
        const i = index.items[k] as number
        const o = HEADER + i * STRIDE
        const d2 = ((f[o] as number) - cx) ** 2 + ((f[o + 1] as number) - cy) ** 2
        if (d2 > radius * radius) continue
        const owner = f[o + 3] as number
        if (owner === -1) food.push([i, d2])
        else if (owner !== player) others.push([i, d2])
      }
    }
  }
  const self = `{"alive":true,"x":${r1(cx)},"y":${r1(cy)},"mass":${mass},"circles":[${circles}]}`
  return `{"tick":${tick},"self":${self},"food":${listJson(f, food)},"others":${listJson(f, others)},"world":${world}}`
}
