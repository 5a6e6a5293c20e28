import { connect, type OrreryClient } from '@orrery/client'
import { CloseCode, encodeServerMessage, PROTOCOL_VERSION } from '@orrery/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OrreryServer } from '../src/index.js'
import { components, Position, RawClient, reducerSchemas, startServer, stepUntil } from './helpers.js'

let server: OrreryServer
let url: string
let witness: OrreryClient<typeof components, typeof reducerSchemas>
const raws: RawClient[] = []

beforeAll(async () => {
  ;({ server, url } = await startServer({ limits: { maxFrameBytes: 1024, handshakeTimeoutMs: 300, abusePenalty: 0 } }))
  witness = await stepUntil(server, connect({ url, components, reducers: reducerSchemas }))
})

afterAll(async () => {
  await Promise.all(raws.map((r) => r.close()))
  await witness.disconnect()
  await server.close()
})

async function open(): Promise<RawClient> {
  const raw = await RawClient.open(url)
  raws.push(raw)
  return raw
}

/** Proves the server still serves others: the witness's reducer call answers and the next tick reaches its replica, with every earlier row kept. */
async function witnessStillServed(): Promise<void> {
  const before = server.world.count(Position)
  const e = await stepUntil(server, witness.reducers.spawn({ x: before, y: 0 }))
  expect(server.world.count(Position)).toBe(before + 1)
  // The result follows the update holding the call's effects: the row is already in the replica.
  expect(witness.db.Position.count()).toBe(before + 1)
  expect(witness.db.Position.get(e as never)?.x).toBe(before)
}

describe('bad input closes only the offending connection', () => {
  it('garbage bytes → Error ERR_MALFORMED_FRAME, close ProtocolError', async () => {
    const raw = await open()
    await raw.handshake()
    raw.ws.send(Buffer.from([0xc1, 0xff, 0x00, 0x13]))
    const closed = await raw.closed
    expect(closed.code).toBe(CloseCode.ProtocolError)
    expect(raw.messages.at(-1)).toMatchObject({ type: 'Error', code: 'ERR_MALFORMED_FRAME', requestId: null })
    await witnessStillServed()
  })

  it('a server message kind sent by a client → Error ERR_UNKNOWN_MESSAGE, close ProtocolError', async () => {
    const raw = await open()
    await raw.handshake()
    raw.ws.send(encodeServerMessage({ type: 'Pong', clientTime: 1, serverTime: 2 }))
    expect((await raw.closed).code).toBe(CloseCode.ProtocolError)
    expect(raw.messages.at(-1)).toMatchObject({ type: 'Error', code: 'ERR_UNKNOWN_MESSAGE' })
    await witnessStillServed()
  })

  it('an oversized frame → close 1009 (MessageTooBig)', async () => {
    const raw = await open()
    await raw.handshake()
    raw.send({ type: 'CallReducer', requestId: 1, reducer: 'label', args: [1, 'x'.repeat(4096)] })
    expect((await raw.closed).code).toBe(CloseCode.MessageTooBig)
    await witnessStillServed()
  })

  it('an unknown reducer and wrong argument types → failed ReducerResult, the session goes on', async () => {
    const raw = await open()
    await raw.handshake()
    raw.send({ type: 'CallReducer', requestId: 1, reducer: 'teleport', args: [] })
    expect(await stepUntil(server, raw.next('ReducerResult'))).toMatchObject({ ok: false, code: 'ERR_UNKNOWN_REDUCER' })
    const at = raw.messages.length
    raw.send({ type: 'CallReducer', requestId: 2, reducer: 'spawn', args: ['north', {}] })
    expect(await stepUntil(server, raw.next('ReducerResult', at))).toMatchObject({ requestId: 2, ok: false, code: 'ERR_INVALID_ARGUMENTS' })
    raw.send({ type: 'Ping', clientTime: 5 })
    expect(await raw.next('Pong')).toMatchObject({ clientTime: 5 })
    await witnessStillServed()
  })

  it('a text frame → Error ERR_MALFORMED_FRAME, close ProtocolError', async () => {
    const raw = await open()
    await raw.handshake()
    raw.ws.send('{"type":"CallReducer"}')
    expect((await raw.closed).code).toBe(CloseCode.ProtocolError)
    expect(raw.messages.at(-1)).toMatchObject({ type: 'Error', code: 'ERR_MALFORMED_FRAME' })
    await witnessStillServed()
  })

  it('a request before the handshake → Error ERR_UNEXPECTED_MESSAGE, close UnexpectedMessage', async () => {
    const raw = await open()
    raw.send({ type: 'CallReducer', requestId: 4, reducer: 'spawn', args: [1, 1] })
    expect((await raw.closed).code).toBe(CloseCode.UnexpectedMessage)
    expect(raw.messages.at(-1)).toMatchObject({ type: 'Error', code: 'ERR_UNEXPECTED_MESSAGE', requestId: 4 })
    await witnessStillServed()
  })

  it('Hello after the handshake → close UnexpectedMessage', async () => {
    const raw = await open()
    await raw.handshake()
    raw.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    expect((await raw.closed).code).toBe(CloseCode.UnexpectedMessage)
  })

  it('another major protocol version → Error ERR_UNSUPPORTED_VERSION, close UnsupportedVersion', async () => {
    const raw = await open()
    raw.send({ type: 'Hello', protocolVersion: '99.0', token: null, resume: null })
    expect((await raw.closed).code).toBe(CloseCode.UnsupportedVersion)
    expect(raw.messages.at(-1)).toMatchObject({ type: 'Error', code: 'ERR_UNSUPPORTED_VERSION' })
  })

  it('a forged token → Error ERR_AUTH_FAILED, close AuthFailed', async () => {
    const raw = await open()
    raw.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    await raw.next('Challenge')
    raw.send({ type: 'Authenticate', method: 'token', credential: `${'a'.repeat(64)}.forged` })
    expect((await raw.closed).code).toBe(CloseCode.AuthFailed)
    expect(raw.messages.at(-1)).toMatchObject({ type: 'Error', code: 'ERR_AUTH_FAILED' })
    await witnessStillServed()
  })

  it('no handshake in time → close HandshakeTimeout', async () => {
    const raw = await open()
    expect((await raw.closed).code).toBe(CloseCode.HandshakeTimeout)
  })

  it('a subscription to an unknown component → Error ERR_UNKNOWN_COMPONENT with its requestId, the session goes on', async () => {
    const raw = await open()
    await raw.handshake()
    raw.send({ type: 'Subscribe', requestId: 8, queryId: 1, components: ['Nope'], area: null })
    expect(await raw.next('Error')).toMatchObject({ code: 'ERR_UNKNOWN_COMPONENT', requestId: 8 })
    raw.send({ type: 'Subscribe', requestId: 9, queryId: 1, components: ['Position'], area: null })
    const applied = await stepUntil(server, raw.next('SubscribeApplied'))
    expect(applied).toMatchObject({ requestId: 9, queryId: 1 })
    // The rows came before it, as inserts of Position (table 0), one per live entity.
    const update = raw.messages[raw.messages.indexOf(applied) - 1]
    expect(update?.type).toBe('TransactionUpdate')
    if (update?.type !== 'TransactionUpdate') return
    expect(applied.seq).toBe(update.seq)
    expect(update.tables.map((t) => t.tableId)).toEqual([0])
    expect(update.binds.length / 2).toBe(server.world.count(Position))
  })

  it('kept every committed row through all of the above', async () => {
    expect(server.world.count(Position)).toBe(witness.db.Position.count())
    expect(server.metrics().errors).toBeGreaterThanOrEqual(7)
  })
})
