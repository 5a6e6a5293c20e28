/**
 * `pnpm bench:codec`: the wire alone, in one process run. For updates of 10 and 100 moving entities
 * (x, y change every tick, a u32 mass does not), the server's path from a committed change set to
 * one client's encoded frame and the client's path from that frame to an applied replica, for
 * @orrery/sync, @colyseus/schema and raw msgpackr (the floor); and a view change (a client's area
 * jumping between two groups of 10 or 100 entities at rest) for @orrery/sync and @colyseus/schema's
 * StateView. Each cell runs in its own worker thread; rounds interleave the cells and the median of
 * every sample of every round is reported.
 */
import { Worker } from 'node:worker_threads'
import { jsonLine, ratio, table } from '@orrery/tooling-bench'
import { type CodecJob, type CodecPath, type CodecResult, LIBS, type Lib } from './codec-case.js'

const quick = process.argv.includes('--quick')
const opts = quick ? { warmupMs: 200, samples: 3, sampleMs: 60 } : { warmupMs: 500, samples: 5, sampleMs: 100 }
const rounds = quick ? 1 : 3
const sizes = [10, 100] as const
const paths: readonly CodecPath[] = ['encode', 'decode']
const viewPaths: readonly CodecPath[] = ['viewEncode', 'viewDecode']
const VIEW_LIBS: readonly Lib[] = ['orrery', 'colyseusView']

function run(job: CodecJob): Promise<CodecResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./codec-worker-entry.mjs', import.meta.url), { workerData: job })
    worker.once('message', (value: CodecResult) => {
      resolve(value)
      void worker.terminate()
    })
    worker.once('error', reject)
  })
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1] as number
}

const samples = new Map<string, number[]>()
const bytes = new Map<string, number>()
const key = (lib: Lib, n: number, path: CodecPath): string => `${lib}/${n}/${path}`
async function cell(lib: Lib, n: number, path: CodecPath): Promise<void> {
  const k = key(lib, n, path)
  const result = await run({ lib, n, path, opts })
  samples.set(k, [...(samples.get(k) ?? []), ...result.samples])
  bytes.set(k, result.bytesPerFrame)
}
for (let r = 0; r < rounds; r++) {
  // Rotate the library order each round, so none always runs first after a busy spell.
  const order = LIBS.map((_, i) => LIBS[(i + r) % LIBS.length] as Lib)
  for (const n of sizes) {
    for (const path of paths) {
      for (const lib of order) await cell(lib, n, path)
    }
    await cell('orrery', n, 'transaction')
    for (const path of viewPaths) {
      for (const lib of r % 2 === 0 ? VIEW_LIBS : [...VIEW_LIBS].reverse()) await cell(lib, n, path)
    }
  }
}

const ops = (lib: Lib, n: number, path: CodecPath): number => median(samples.get(key(lib, n, path)) ?? [])
const frameBytes = (lib: Lib, n: number): number => bytes.get(key(lib, n, 'encode')) ?? Number.NaN
const round1 = (v: number): number => Math.round(v * 10) / 10

const speedRows: (string | number)[][] = []
const ratios: Record<string, number> = {}
const ratiosVsStateView: Record<string, number> = {}
const opsPerSec: Record<string, Record<string, number>> = {}
for (const n of sizes) {
  for (const path of paths) {
    const [o, c, f, v] = LIBS.map((lib) => ops(lib, n, path)) as [number, number, number, number]
    const label = `${path === 'encode' ? 'encode (server)' : 'decode+apply (client)'} ${n}`
    speedRows.push([label, o, c, v, f, ratio(o, c), ratio(o, v), ratio(o, f)])
    ratios[`${path}${n}`] = ratio(o, c)
    ratiosVsStateView[`${path}${n}`] = ratio(o, v)
    opsPerSec[`${path}${n}`] = { orrery: Math.round(o), colyseus: Math.round(c), colyseusStateView: Math.round(v), msgpackr: Math.round(f) }
  }
}
const byteRows: (string | number)[][] = []
const bytesPerFrame: Record<string, Record<string, number>> = {}
const bytesPerMovedEntity: Record<string, Record<string, number>> = {}
for (const n of sizes) {
  const [o, c, f] = LIBS.map((lib) => frameBytes(lib, n)) as [number, number, number, number]
  byteRows.push([`${n} moving`, round1(o), round1(c), round1(f), round1(o / n), round1(c / n), round1(f / n), ratio(o, c)])
  bytesPerFrame[n] = { orrery: round1(o), colyseus: round1(c), msgpackr: round1(f) }
  bytesPerMovedEntity[n] = { orrery: round1(o / n), colyseus: round1(c / n), msgpackr: round1(f / n) }
}

console.log(
  `@orrery/sync vs @colyseus/schema 5.0.34 vs msgpackr (floor) — ops/s (one frame per op), median of ${opts.samples * rounds} samples from ${rounds} interleaved rounds, each cell in its own worker; node ${process.version}\n`,
)
console.log(
  table(
    ['path, moving entities', 'orrery', 'colyseus', 'colyseus StateView', 'msgpackr', 'orrery/colyseus', 'orrery/colyseus StateView', 'orrery/msgpackr'],
    speedRows,
  ),
)
console.log()
console.log(
  table(
    ['update', 'orrery B/frame', 'colyseus B/frame', 'msgpackr B/frame', 'orrery B/entity', 'colyseus B/entity', 'msgpackr B/entity', 'bytes orrery/colyseus'],
    byteRows,
  ),
)
const splitRows: (string | number)[][] = []
const encodeSplitUs: Record<string, { transaction: number; commitAndFlush: number }> = {}
for (const n of sizes) {
  const whole = 1e6 / ops('orrery', n, 'encode')
  const tx = 1e6 / ops('orrery', n, 'transaction')
  splitRows.push([`encode ${n}`, round1(whole), round1(tx), round1(whole - tx), round1(1e6 / ops('colyseus', n, 'encode'))])
  encodeSplitUs[n] = { transaction: round1(tx), commitAndFlush: round1(whole - tx) }
}
console.log()
console.log(table(['orrery encode path, µs/op', 'whole', 'world.transaction', 'commit + flush (difference)', 'colyseus whole'], splitRows))
console.log(
  '\nencode: orrery = world.transaction (x, y set) + commit + flush to one client whose 352×352 area covers every entity (TransactionUpdate envelope included);',
)
console.log('        colyseus = setters on a MapSchema entry + encoder.encode() + discardChanges(); msgpackr = pack [[id, x, y], ...] with float32;')
console.log('        colyseus StateView = the same with the map filtered per client (.view()): encode() then encodeView() of one client whose view holds every entity.')
console.log('decode: orrery = decodeServerMessage + replica.apply; colyseus = decoder.decode into a Reflection-built state; msgpackr = unpack.')
console.log('Each entity moves 2–10 world units per tick; x, y are f32 quantized at 1/16 on Orrery\'s wire, float32 on the others.\n')
const viewRows: (string | number)[][] = []
const viewChange: Record<string, { orrery: number; colyseusStateView: number; ratio: number }> = {}
const viewBytes: Record<string, { orrery: number; colyseusStateView: number }> = {}
for (const n of sizes) {
  for (const path of viewPaths) {
    const [o, v] = VIEW_LIBS.map((lib) => ops(lib, n, path)) as [number, number]
    const label = `${path === 'viewEncode' ? 'encode (server)' : 'decode+apply (client)'} ${n} + ${n}`
    viewRows.push([label, o, v, ratio(o, v)])
    viewChange[`${path === 'viewEncode' ? 'encode' : 'decode'}${n}`] = { orrery: Math.round(o), colyseusStateView: Math.round(v), ratio: ratio(o, v) }
  }
  const [ob, vb] = VIEW_LIBS.map((lib) => bytes.get(key(lib, n, 'viewEncode')) ?? Number.NaN) as [number, number]
  viewRows.push([`bytes per frame, ${n} + ${n}`, round1(ob), round1(vb), ratio(ob, vb)])
  viewBytes[n] = { orrery: round1(ob), colyseusStateView: round1(vb) }
}
console.log(table(['view change: entities leaving + entering per frame', 'orrery', 'colyseus StateView', 'orrery/colyseus StateView'], viewRows))
console.log(
  '\nview change: a client\'s area jumps between two groups of entities at rest (a camera jump, a respawn): every frame deletes one group and',
)
console.log("             inserts the other with all fields. orrery = setArea + flush / decode + replica.apply (entities destroyed and created);")
console.log('             colyseus StateView = view.remove + view.add, encode() + encodeView() / decoder.decode. Rows: ops/s; bytes: B/frame.\n')
console.log(
  jsonLine('codec', { ratios, ratiosVsStateView, opsPerSec, bytesPerFrame, bytesPerMovedEntity, encodeSplitUs, viewChange, viewChangeBytes: viewBytes, node: process.version }),
)
