import { Encoder, Reflection, StateView } from '@colyseus/schema'
import { type CodecCase, copy, meanBytes } from './codec-case.js'
import { Entity, reflectedClient, ViewState, viewPatch } from './colyseus-codec.js'
import { cycleOp } from './replay.js'
import { VIEW_CYCLE, type ViewGroups } from './view-change.js'

/**
 * @colyseus/schema's view change: the server removes one group's entities from the client's `StateView`
 * and adds the other's, then `encode()` and `encodeView()` (as a room does for each client); the client
 * decodes the patch into a state rebuilt by `Reflection`.
 *
 * @param g - the two groups
 * @param path - `encode` (server) or `decode` (client)
 * @returns the operation and the mean patch size
 */
export function colyseusViewCase(g: ViewGroups, path: 'encode' | 'decode'): CodecCase {
  const state = new ViewState()
  const groups: Entity[][] = [[], []]
  for (let k = 0; k < 2 * g.n; k++) {
    const e = new Entity({ x: g.x[k] as number, y: g.y[k] as number, mass: g.mass[k] as number })
    state.entities.set(String(k + 1), e)
    ;(groups[k < g.n ? 0 : 1] as Entity[]).push(e)
  }
  const encoder = new Encoder(state)
  const view = new StateView()
  for (const e of groups[0] as Entity[]) view.add(e)
  const it = { offset: 0 }
  encoder.encodeAll(it)
  const full = copy(encoder.encodeAllView(view, it.offset, it))
  encoder.discardChanges()
  const reflection = Reflection.encode(encoder)
  let at = 0

  const step = (): Uint8Array => {
    const next = 1 - at
    for (const e of groups[at] as Entity[]) view.remove(e)
    for (const e of groups[next] as Entity[]) view.add(e)
    at = next
    return viewPatch(encoder, view)
  }

  const frames: Uint8Array[] = []
  for (let k = 0; k < VIEW_CYCLE; k++) frames.push(copy(step()))
  const bytesPerFrame = meanBytes(frames)
  if (path === 'encode') return { op: () => void step(), bytesPerFrame }

  const { decoder, client } = reflectedClient(reflection, full, frames)
  // Back at group 0 after a whole cycle: the client holds exactly it.
  if (client.entities.size !== g.n) throw new Error(`decoded view holds ${client.entities.size} entities, not ${g.n}`)
  for (let k = 0; k < g.n; k++) {
    const got = client.entities.get(String(k + 1))
    if (got === undefined || got.x !== g.x[k] || got.mass !== g.mass[k]) throw new Error(`decoded view differs at ${k}`)
  }
  return { op: cycleOp(frames, (frame) => decoder.decode(frame)), bytesPerFrame }
}
