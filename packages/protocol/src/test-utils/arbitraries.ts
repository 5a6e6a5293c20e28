import fc from 'fast-check'
import type {
  Area,
  Authenticate,
  CallReducer,
  Challenge,
  ClientMessage,
  ErrorMessage,
  Hello,
  Ping,
  Pong,
  ReducerResult,
  RefreshToken,
  ServerMessage,
  SetArea,
  Subscribe,
  SubscribeApplied,
  TokenRefreshed,
  TransactionUpdate,
  Unsubscribe,
  Unsubscribed,
  Welcome,
} from '../messages.js'
import type { ComponentDescription, ReducerDescription, SchemaDescription } from '../schema-description.js'
import { VALUE_TYPES } from '../value-type.js'

/** A finite double that is never -0 (the wire sends -0 as 0). */
export const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (d === 0 ? 0 : d))
export const u32 = fc.nat({ max: 0xffffffff })
export const uint = fc.maxSafeNat()
export const text = fc.string({ maxLength: 12, unit: 'grapheme' })
export const bin = fc.uint8Array({ maxLength: 16 })

/** Any value msgpack carries without loss: nil, booleans, safe numbers, strings, binary, arrays, string-keyed maps. */
export const plainValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    finiteDouble,
    text,
    bin,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text.filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 4 }),
  ),
})).value

const fields = fc.uniqueArray(fc.tuple(text.filter((s) => s.length > 0), fc.constantFrom(...VALUE_TYPES)), {
  maxLength: 6,
  selector: (f) => f[0],
})
/** A positive finite quantization step. */
export const step = fc.double({ min: 2 ** -20, max: 1e6, noNaN: true })
/** Component fields: `f32` and `f64` fields sometimes carry a quantization step. */
const componentFields = fc.uniqueArray(
  fc.oneof(
    fc.tuple(text.filter((s) => s.length > 0), fc.constantFrom(...VALUE_TYPES)),
    fc.tuple(text.filter((s) => s.length > 0), fc.constantFrom('f32' as const, 'f64' as const), step),
  ),
  { maxLength: 6, selector: (f) => f[0] },
)
export const schemaDescription: fc.Arbitrary<SchemaDescription> = fc.record({
  components: fc.uniqueArray(fc.tuple(text.filter((s) => s.length > 0), componentFields) as fc.Arbitrary<ComponentDescription>, {
    maxLength: 4,
    selector: (c) => c[0],
  }),
  reducers: fc.uniqueArray(fc.tuple(text.filter((s) => s.length > 0), fields) as fc.Arbitrary<ReducerDescription>, {
    maxLength: 4,
    selector: (r) => r[0],
  }),
})

export const hello: fc.Arbitrary<Hello> = fc.record({
  type: fc.constant('Hello'),
  protocolVersion: fc.oneof(fc.constant('2.0'), text),
  token: fc.option(text, { nil: null }),
  resume: fc.option(fc.record({ sessionId: text, lastSeq: uint, received: uint }, { requiredKeys: ['sessionId', 'lastSeq'] }), { nil: null }),
})
export const authenticate: fc.Arbitrary<Authenticate> = fc.record({
  type: fc.constant('Authenticate'),
  method: fc.constantFrom('anonymous', 'token', 'signature'),
  credential: fc.oneof(fc.constant(null), text, bin),
})
/** A coordinate that is never -0 (the wire sends -0 as 0). */
const coordinate = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((d) => (d === 0 ? 0 : d))
const extent = (max: number) => fc.double({ min: 0, max, noNaN: true }).map((d) => (d === 0 ? 0 : d))
export const area: fc.Arbitrary<Area> = fc
  .record({ x: coordinate, y: coordinate, w: extent(1e4), h: extent(1e4), margin: extent(100) })
  .map(({ x, y, w, h, margin }) => ({ minX: x, minY: y, maxX: x + w, maxY: y + h, margin }))
export const subscribe: fc.Arbitrary<Subscribe> = fc.record({
  type: fc.constant('Subscribe'),
  requestId: u32,
  queryId: u32,
  components: fc.array(text, { maxLength: 5 }),
  area: fc.option(area, { nil: null }),
})
export const setArea: fc.Arbitrary<SetArea> = fc.record({ type: fc.constant('SetArea'), queryId: u32, area })
export const unsubscribe: fc.Arbitrary<Unsubscribe> = fc.record({ type: fc.constant('Unsubscribe'), requestId: u32, queryId: u32 })
export const callReducer: fc.Arbitrary<CallReducer> = fc.record({
  type: fc.constant('CallReducer'),
  requestId: u32,
  reducer: text,
  args: fc.array(plainValue, { maxLength: 5 }),
})
export const ping: fc.Arbitrary<Ping> = fc.record({ type: fc.constant('Ping'), clientTime: finiteDouble })
export const refreshToken: fc.Arbitrary<RefreshToken> = fc.record({ type: fc.constant('RefreshToken'), requestId: u32 })

export const clientMessage: fc.Arbitrary<ClientMessage> = fc.oneof(
  hello,
  authenticate,
  subscribe,
  unsubscribe,
  callReducer,
  ping,
  refreshToken,
  setArea,
)

export const challenge: fc.Arbitrary<Challenge> = fc.record({
  type: fc.constant('Challenge'),
  nonce: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  methods: fc.array(text, { maxLength: 3 }),
})
export const welcome: fc.Arbitrary<Welcome> = fc.record({
  type: fc.constant('Welcome'),
  identity: text,
  token: text,
  sessionId: text,
  tickRate: fc.double({ min: 0.001, max: 1000, noNaN: true }),
  schema: schemaDescription,
  seq: uint,
  resumed: fc.boolean(),
  tick: uint,
  serverTime: finiteDouble,
})
const flat = fc.array(plainValue, { maxLength: 12 })
export const subscribeApplied: fc.Arbitrary<SubscribeApplied> = fc.record({
  type: fc.constant('SubscribeApplied'),
  requestId: u32,
  queryId: u32,
  seq: uint,
})
export const transactionUpdate: fc.Arbitrary<TransactionUpdate> = fc
  .record({
    prevSeq: uint,
    delta: fc.nat({ max: 1000 }),
    tickDelta: uint,
    timeDelta: fc.double({ min: 0, max: 1e9, noNaN: true }),
    ack: fc.option(u32, { nil: null }),
    binds: fc.array(uint, { maxLength: 6 }).map((a) => (a.length % 2 === 0 ? a : a.slice(1))),
    releases: fc.array(uint, { maxLength: 4 }),
    tables: fc.array(fc.record({ tableId: u32, inserts: flat, updates: flat, deletes: fc.array(uint, { maxLength: 6 }) }), { maxLength: 3 }),
    events: fc.array(fc.record({ name: text, payload: plainValue }), { maxLength: 3 }),
  })
  .map(({ prevSeq, delta, ...rest }) => ({
    type: 'TransactionUpdate' as const,
    prevSeq: Math.min(prevSeq, Number.MAX_SAFE_INTEGER - delta),
    seq: Math.min(prevSeq, Number.MAX_SAFE_INTEGER - delta) + delta,
    ...rest,
  }))
export const reducerResult: fc.Arbitrary<ReducerResult> = fc.oneof(
  fc.record({ type: fc.constant('ReducerResult'), requestId: u32, ok: fc.constant(true), value: plainValue }),
  fc.record({ type: fc.constant('ReducerResult'), requestId: u32, ok: fc.constant(true), value: plainValue, durable: fc.boolean() }),
  fc.record({ type: fc.constant('ReducerResult'), requestId: u32, ok: fc.constant(false), code: text, message: text }),
)
export const pong: fc.Arbitrary<Pong> = fc.record({ type: fc.constant('Pong'), clientTime: finiteDouble, serverTime: finiteDouble })
export const errorMessage: fc.Arbitrary<ErrorMessage> = fc.record({
  type: fc.constant('Error'),
  code: text,
  message: text,
  requestId: fc.option(u32, { nil: null }),
})
export const unsubscribed: fc.Arbitrary<Unsubscribed> = fc.record({ type: fc.constant('Unsubscribed'), requestId: u32, queryId: u32 })
export const tokenRefreshed: fc.Arbitrary<TokenRefreshed> = fc.record({ type: fc.constant('TokenRefreshed'), requestId: u32, token: text })

export const serverMessage: fc.Arbitrary<ServerMessage> = fc.oneof(
  challenge,
  welcome,
  subscribeApplied,
  transactionUpdate,
  reducerResult,
  pong,
  errorMessage,
  unsubscribed,
  tokenRefreshed,
)
