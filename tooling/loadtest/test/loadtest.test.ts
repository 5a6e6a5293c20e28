import { fileURLToPath } from 'node:url'
import { createBlackholioModule } from '@orrery/demo-server'
import { CloseCode } from '@orrery/protocol'
import { createKeyAuthenticator, createServer, type OrreryServer } from '@orrery/server'
import { afterEach, describe, expect, it } from 'vitest'
import { type LoadProgress, runLoadTest } from '../src/index.js'

let server: OrreryServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

async function blackholio(limits: { maxConnectionsPerIp?: number } = {}): Promise<string> {
  server = createServer({
    module: createBlackholioModule(),
    logger: false,
    authenticator: createKeyAuthenticator({ issuer: 'blackholio', audience: 'blackholio' }),
    limits,
  })
  const { port } = await server.listen()
  return `ws://127.0.0.1:${port}`
}

describe('runLoadTest', () => {
  it('runs demo bots in two workers and reports connections, RTT, bytes and no errors', async () => {
    const url = await blackholio()
    const progress: LoadProgress[] = []
    const report = await runLoadTest({ url, clients: 4, rampS: 0.3, durationS: 3, workers: 2 }, (p) => progress.push(p))
    expect(report).toMatchObject({ url, clients: 4, workers: 2, connected: 4, failed: 0, openAtEnd: 4, errors: 0, errorsByCode: {} })
    expect(report.rttMs.samples).toBeGreaterThan(0)
    expect(report.rttMs.p50).toBeGreaterThan(0)
    expect(report.connectMs.samples).toBe(4)
    expect(report.bytesIn.min).toBeGreaterThan(0)
    expect(report.bytesOut.min).toBeGreaterThan(0)
    // What the clients sent is what the server read (WebSocket payloads on both sides).
    expect(report.bytesOut.mean * 4).toBeCloseTo(server?.metrics().bytesReceived ?? 0, -2)
    expect(progress.at(-1)?.connected).toBe(4)
    expect(report.generatorCpuPct).toBeGreaterThan(0)
    expect(server?.metrics().reducerCalls).toBeGreaterThan(4)
  }, 30_000)

  it('counts failed starts by error code and sockets the server closes by close code', async () => {
    const url = await blackholio({ maxConnectionsPerIp: 2 })
    const script = fileURLToPath(new URL('./fixtures/raw-socket.ts', import.meta.url))
    const report = await runLoadTest({ url, clients: 4, rampS: 0.6, durationS: 1, workers: 1, script })
    expect(report.connected).toBe(3)
    expect(report.failed).toBe(1)
    expect(report.errorsByCode).toEqual({ 'start:ERR_FIXTURE': 1, [`close:${CloseCode.TooManyConnections}`]: 1 })
    expect(report.errors).toBe(2)
    expect(report.openAtEnd).toBe(2)
    expect(report.rttMs.p50).toBe(1.5)
  }, 30_000)

  it('fails with ERR_WORKER_FAILED when the script does not load', async () => {
    const run = runLoadTest({ url: 'ws://127.0.0.1:1', clients: 2, durationS: 1, workers: 1, script: 'no-such-script.ts' })
    await expect(run).rejects.toMatchObject({ code: 'ERR_WORKER_FAILED' })
  }, 30_000)

  it('refuses a URL that is not a WebSocket URL', async () => {
    await expect(runLoadTest({ url: 'http://127.0.0.1:1', clients: 1, durationS: 1 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS' })
  })
})
