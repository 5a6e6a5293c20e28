import { Encoder, Reflection, type SchemaType, StateView, schema, t } from '@colyseus/schema'
import { type CodecCase, type CodecPath, copy, meanBytes } from './codec-case.js'
import { CYCLE, type Motion } from './motion.js'
import { cycleOp } from './replay.js'

/** One entity of the Colyseus cases: the demo's Body, positions as float32. */
export const Entity = schema({ x: t.float32(), y: t.float32(), mass: t.uint32() }, 'Entity')
export type Entity = SchemaType<typeof Entity>
const State = schema({ entities: t.map(Entity) }, 'State')
/** The same state with the entities filtered per client: each client's StateView holds the ones it may see. */
export const ViewState = schema({ entities: t.map(Entity).view() }, 'ViewState')

/** What a reflected (definition-less) client state holds. */
export interface ReflectedState {
  readonly entities: { get(key: string): { x: number; y: number; mass: number } | undefined; readonly size: number }
}

/**
 * A client decoder built by `Reflection` (no schema classes), fed the full state and then `frames`.
 *
 * @param reflection - the encoder's reflection
 * @param full - the full state a joining client receives
 * @param frames - patches to decode after it, in order
 * @returns the decoder and the state it holds
 */
export function reflectedClient(
  reflection: Uint8Array,
  full: Uint8Array,
  frames: readonly Uint8Array[],
): { decoder: ReturnType<typeof Reflection.decode>; client: ReflectedState } {
  const decoder = Reflection.decode(reflection)
  decoder.decode(full)
  for (const frame of frames) decoder.decode(frame)
  return { decoder, client: decoder.state as unknown as ReflectedState }
}

/**
 * @colyseus/schema's paths: the server's setters on a MapSchema of entities, `encoder.encode()` and
 * `discardChanges()` (one patch per tick, as a room broadcasts); the client's `decoder.decode()` of
 * that patch into a state rebuilt by `Reflection` (no schema classes on the client).
 *
 * With `perClient`, the entities are filtered per client as an area of interest would be (`.view()` on the
 * map, one StateView holding every moving entity): the server encodes the shared patch, then the client's
 * with `encodeView`, as a room does for each client.
 *
 * @param m - the moves
 * @param path - which path to time
 * @param perClient - filter through a StateView
 * @returns the operation and the mean patch size
 */
export function colyseusCase(m: Motion, path: CodecPath, perClient = false): CodecCase {
  const n = m.n
  const state = perClient ? new ViewState() : new State()
  const entities: Entity[] = []
  for (let i = 0; i < n; i++) {
    const e = new Entity({ x: m.x[i] as number, y: m.y[i] as number, mass: m.mass[i] as number })
    state.entities.set(String(i + 1), e)
    entities.push(e)
  }
  const encoder = new Encoder(state)
  const view = new StateView()
  let full: Uint8Array
  if (perClient) {
    for (const e of entities) view.add(e)
    const it = { offset: 0 }
    encoder.encodeAll(it)
    full = copy(encoder.encodeAllView(view, it.offset, it))
  } else full = copy(encoder.encodeAll())
  encoder.discardChanges()
  const reflection = Reflection.encode(encoder)
  let tick = 0

  const step = (): Uint8Array => {
    tick++
    const base = (tick % CYCLE) * n
    for (let i = 0; i < n; i++) {
      const e = entities[i] as Entity
      e.x = m.x[base + i] as number
      e.y = m.y[base + i] as number
    }
    if (perClient) return viewPatch(encoder, view)
    const patch = encoder.encode()
    encoder.discardChanges()
    return patch
  }

  const frames: Uint8Array[] = []
  for (let k = 0; k < CYCLE; k++) frames.push(copy(step()))
  const bytesPerFrame = meanBytes(frames)

  if (path === 'encode') return { op: () => void step(), bytesPerFrame }

  const { decoder, client } = reflectedClient(reflection, full, frames)
  entities.forEach((e, i) => {
    const got = client.entities.get(String(i + 1))
    if (got === undefined || got.x !== e.x || got.y !== e.y || got.mass !== e.mass) throw new Error(`decoded state differs at ${i}`)
  })
  return { op: cycleOp(frames, (frame) => decoder.decode(frame)), bytesPerFrame }
}

/**
 * One client's patch as a room with interest management makes it: the shared `encode()`, then the client's
 * `encodeView()`, then `discardChanges()`.
 *
 * @param encoder - the state's encoder
 * @param view - the client's StateView
 * @returns the patch (a view of the encoder's buffer)
 */
export function viewPatch(encoder: Encoder, view: StateView): Uint8Array {
  const it = { offset: 0 }
  encoder.encode(it)
  const patch = encoder.encodeView(view, it.offset, it)
  encoder.discardChanges()
  return patch
}
