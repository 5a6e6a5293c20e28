import type { Rng } from '@orrery/ecs'
import { encodeClientMessage, MessageType, PROTOCOL_VERSION } from '@orrery/protocol'
import { type Packable, pack } from './msgpack-lite.js'

const T = MessageType

/** Valid frames of every client message (before or after the handshake), to mutate or send out of order. */
export function validFrame(rng: Rng): Uint8Array {
  switch (rng.int(0, 9)) {
    case 0:
      return encodeClientMessage({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    case 1:
      return encodeClientMessage({ type: 'Authenticate', method: 'signature', credential: new Uint8Array(96) })
    case 2:
      return encodeClientMessage({ type: 'Subscribe', requestId: rng.int(0, 1000), queryId: rng.int(0, 20), components: ['Body', 'Circle'], area: null })
    case 3:
      return encodeClientMessage({ type: 'CallReducer', requestId: rng.int(0, 1000), reducer: 'updatePlayerInput', args: [rng.range(-1, 1), rng.range(-1, 1)] })
    case 4:
      return encodeClientMessage({ type: 'CallReducer', requestId: rng.int(0, 1000), reducer: 'respawn', args: [] })
    case 5:
      return encodeClientMessage({ type: 'Ping', clientTime: rng.range(0, 1e6) })
    case 6:
      return encodeClientMessage({ type: 'SetArea', queryId: 1, area: { minX: 0, minY: 0, maxX: 100, maxY: 100, margin: 5 } })
    case 7:
      return encodeClientMessage({ type: 'Unsubscribe', requestId: 3, queryId: 1 })
    default:
      return encodeClientMessage({ type: 'RefreshToken', requestId: rng.int(0, 1000) })
  }
}

/** A valid frame with 1 to 4 random bytes changed, or cut short, or with bytes appended. */
export function mutatedFrame(rng: Rng): Uint8Array {
  const frame = validFrame(rng).slice()
  const how = rng.int(0, 3)
  if (how === 0) return frame.subarray(0, rng.int(0, frame.length))
  if (how === 1) return Uint8Array.from([...frame, ...randomBytes(rng, 8)])
  for (let i = rng.int(1, 5); i > 0; i--) frame[rng.int(0, frame.length)] = rng.int(0, 256)
  return frame
}

/** Up to `max` random bytes. */
export function randomBytes(rng: Rng, max: number): Uint8Array {
  const out = new Uint8Array(rng.int(1, max + 1))
  for (let i = 0; i < out.length; i++) out[i] = rng.int(0, 256)
  return out
}

/** A frame over the server's 64 KiB limit (a CallReducer carrying 70 000 bytes). */
export function oversizedFrame(): Uint8Array {
  return pack([T.CallReducer, 1, 'enterGame', [new Uint8Array(70_000)]])
}

/** A Ping whose second field nests `depth` arrays. */
export function deepFrame(depth: number): Uint8Array {
  const out = new Uint8Array(depth + 3)
  out[0] = 0x92
  out[1] = T.Ping
  out.fill(0x91, 2, 2 + depth)
  out[2 + depth] = 0xc0
  return out
}

/** Frames with fields of the wrong type (before or after the handshake). */
export function wrongTypeFrame(rng: Rng): Uint8Array {
  const cases: Packable[] = [
    [T.Hello, 2, null, null],
    [T.Hello, PROTOCOL_VERSION, 7, 'resume'],
    [T.Subscribe, 'one', 1, [1, 2, 3], null],
    [T.CallReducer, 1, 'updatePlayerInput', ['north', {}]],
    [T.CallReducer, 1, 'enterGame', [12]],
    [T.CallReducer, 1, 42, []],
    [T.CallReducer, 1, 'enterGame', 'Ada'],
    [T.SetArea, 1, [0, 0, 'x', 1, 1]],
    [T.Authenticate, 'password', 'hunter2'],
    [T.Ping, 'now'],
    ['Ping', 1],
    [],
    { type: 'Ping' },
  ]
  return pack(cases[rng.int(0, cases.length)] as Packable)
}

/** Frames carrying NaN or ±Infinity where numbers go. */
export function nonFiniteFrame(rng: Rng): Uint8Array {
  const x = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e308 * 10][rng.int(0, 5)] as number
  const cases: Packable[] = [
    [T.Ping, x],
    [T.CallReducer, 1, 'updatePlayerInput', [x, x]],
    [T.CallReducer, x, 'respawn', []],
    [T.SetArea, 1, [x, 0, 100, 100, 0]],
    [T.Subscribe, 1, 1, ['Body'], [0, 0, x, 100, 5]],
  ]
  return pack(cases[rng.int(0, cases.length)] as Packable)
}

/** A frame just under the element limit that still decodes: a Ping followed by `count` empty maps. */
export function decodeFloodFrame(count: number): Uint8Array {
  const out = new Uint8Array(5 + 2 + count)
  out[0] = 0xdd
  new DataView(out.buffer).setUint32(1, count + 2)
  out[5] = T.Ping
  out[6] = 0x01
  out.fill(0x80, 7)
  return out
}
