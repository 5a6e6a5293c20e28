import { connect, type OrreryClient } from '@orrery/client'
import { CloseCode } from '@orrery/protocol'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import type { OrreryServer } from '../src/index.js'
import { components, eventually, RawClient, reducerSchemas, startServer, stepUntil } from './helpers.js'
import { parseScrape, type Scrape } from './prometheus-text.js'

let server: OrreryServer | undefined
const clients: OrreryClient<typeof components, typeof reducerSchemas>[] = []
const raws: RawClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()))
  await Promise.all(raws.splice(0).map((r) => r.close()))
  await server?.close()
  server = undefined
})

async function scrape(url: string): Promise<{ response: Response; scrape: Scrape }> {
  const response = await fetch(`${url.replace('ws:', 'http:')}/metrics`)
  return { response, scrape: parseScrape(await response.text()) }
}

describe('GET /metrics', () => {
  it('exports handshakes, reducer calls and durations, ticks, bytes, frames and close codes from a live server', async () => {
    const started = await startServer({ metrics: true })
    server = started.server
    const { url } = started
    const client = await stepUntil(server, connect({ url, components, reducers: reducerSchemas }))
    clients.push(client)
    await stepUntil(server, client.reducers.spawn({ x: 1, y: 2 }))
    await stepUntil(server, client.reducers.spawn({ x: 3, y: 4 }))
    await expect(stepUntil(server, client.reducers.move({ e: 999_999, dx: 1 }))).rejects.toThrow(/no body/)
    const raw = await RawClient.open(url)
    await raw.handshake()
    raw.send({ type: 'CallReducer', requestId: 1, reducer: 'no such reducer', args: [] })
    await stepUntil(server, raw.next('ReducerResult'))
    raw.ws.close(CloseCode.Normal)
    await raw.closed
    const odd = await RawClient.open(url)
    odd.ws.close(4321) // a code of the peer's own choosing: counted as 'other', not as a label of its own
    await odd.closed
    const stale = await RawClient.open(url)
    stale.send({ type: 'Hello', protocolVersion: '99.0', token: null, resume: null })
    expect((await stale.closed).code).toBe(CloseCode.UnsupportedVersion)
    await eventually(server, () => server?.metrics().connections === 1)
    for (let i = 0; i < 5; i++) server.step()

    const { response, scrape: s } = await scrape(url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(s.types.get('orrery_clients')).toBe('gauge')
    expect(s.types.get('orrery_handshakes_total')).toBe('counter')
    expect(s.types.get('orrery_reducer_calls_total')).toBe('counter')
    expect(s.types.get('orrery_reducer_duration_seconds')).toBe('histogram')
    expect(s.types.get('orrery_tick_duration_seconds')).toBe('histogram')
    expect(s.types.has('orrery_commit_log_lag')).toBe(false) // the memory log is not durable

    expect(s.value('orrery_clients')).toBe(1)
    expect(s.value('orrery_connections')).toBe(1)
    expect(s.value('orrery_handshakes_total', { outcome: 'ok' })).toBe(2)
    expect(s.value('orrery_handshakes_total', { outcome: 'unsupported_version' })).toBe(1)
    expect(s.value('orrery_reducer_calls_total', { reducer: 'spawn', outcome: 'ok' })).toBe(2)
    expect(s.value('orrery_reducer_calls_total', { reducer: 'move', outcome: 'failed' })).toBe(1)
    expect(s.value('orrery_reducer_calls_total', { reducer: '(unknown)', outcome: 'unknown_reducer' })).toBe(1)
    expect(s.value('orrery_connections_closed_total', { code: String(CloseCode.Normal) })).toBe(1)
    expect(s.value('orrery_connections_closed_total', { code: String(CloseCode.UnsupportedVersion) })).toBe(1)
    expect(s.value('orrery_connections_closed_total', { code: 'other' })).toBe(1)
    expect(s.value('orrery_handshakes_total', { outcome: 'aborted' })).toBe(1)

    expect(s.value('orrery_reducer_duration_seconds_count', { reducer: 'spawn' })).toBe(2)
    expect(s.value('orrery_reducer_duration_seconds_bucket', { reducer: 'spawn', le: '+Inf' })).toBe(2)
    expect(s.value('orrery_reducer_duration_seconds_sum', { reducer: 'spawn' })).toBeGreaterThan(0)
    const buckets = s.samples.filter((x) => x.name === 'orrery_reducer_duration_seconds_bucket' && x.labels.reducer === 'spawn')
    expect(buckets.map((b) => b.value)).toEqual([...buckets.map((b) => b.value)].sort((a, b) => a - b))
    expect(buckets.map((b) => b.labels.le)).toContain('0.001')

    const ticks = s.value('orrery_ticks_total')
    expect(ticks).toBe(server.metrics().ticks)
    expect(s.value('orrery_tick_duration_seconds_count')).toBe(ticks)
    expect(s.value('orrery_received_frames_total')).toBe(server.metrics().messagesReceived)
    expect(s.value('orrery_received_bytes_total')).toBeGreaterThan(0)
    expect(s.value('orrery_sent_bytes_total')).toBe(server.metrics().bytesSent)
    // Challenge, Welcome, a SubscribeApplied and updates to the client; Challenge, Welcome, a result to the raw one...
    expect(s.value('orrery_sent_frames_total')).toBeGreaterThanOrEqual(8)
    expect(s.value('orrery_outbox_bytes')).toBe(0)
  })

  it('counts on: a second scrape shows the calls made since the first', async () => {
    const started = await startServer({ metrics: true })
    server = started.server
    const client = await stepUntil(server, connect({ url: started.url, components, reducers: reducerSchemas }))
    clients.push(client)
    const before = (await scrape(started.url)).scrape
    await stepUntil(server, client.reducers.spawn({ x: 1, y: 2 }))
    const after = (await scrape(started.url)).scrape
    expect(before.value('orrery_reducer_calls_total', { reducer: 'spawn', outcome: 'ok' })).toBe(0)
    expect(after.value('orrery_reducer_calls_total', { reducer: 'spawn', outcome: 'ok' })).toBe(1)
    expect(after.value('orrery_sent_bytes_total')).toBeGreaterThan(before.value('orrery_sent_bytes_total'))
  })

  it('registers in a given registry under a given prefix', async () => {
    const registry = new Registry()
    const started = await startServer({ metrics: { registry, prefix: 'game_' } })
    server = started.server
    const text = await registry.metrics()
    expect(parseScrape(text).value('game_clients')).toBe(0)
    expect((await scrape(started.url)).scrape.value('game_handshakes_total', { outcome: 'ok' })).toBe(0)
  })

  it('is off by default: /metrics and /monitor get the 426 answer', async () => {
    const started = await startServer()
    server = started.server
    const http = started.url.replace('ws:', 'http:')
    expect((await fetch(`${http}/metrics`)).status).toBe(426)
    expect((await fetch(`${http}/monitor`)).status).toBe(426)
  })

  it('refuses an invalid prefix', async () => {
    await expect(startServer({ metrics: { prefix: 'has space' } })).rejects.toThrow(/ERR_INVALID_OPTIONS|prefix/)
  })
})
