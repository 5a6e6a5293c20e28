import { connect, type OrreryClient } from '@orrery/client'
import { afterEach, describe, expect, it } from 'vitest'
import type { OrreryServer } from '../src/index.js'
import { components, reducerSchemas, startServer, stepUntil } from './helpers.js'

let server: OrreryServer | undefined
const clients: OrreryClient<typeof components, typeof reducerSchemas>[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()))
  await server?.close()
  server = undefined
})

interface Data {
  clients: number
  reducerCalls: number
  bytesOut: number
  sessions: { id: string; identity: string | null; rttMs: number | null; bytesIn: number; bytesOut: number }[]
  slowestReducers: { name: string; calls: number; errors: number; p99: number }[]
}

describe('GET /monitor', () => {
  it('serves the page, its module and uPlot from the package', async () => {
    const started = await startServer({ monitor: true })
    server = started.server
    const http = started.url.replace('ws:', 'http:')
    const page = await fetch(`${http}/monitor`)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).toContain('<script type="module" src="/monitor/monitor.js">')
    const module = await fetch(`${http}/monitor/monitor.js`)
    expect(module.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(await module.text()).toContain("from '/monitor/uplot.js'")
    const uplot = await fetch(`${http}/monitor/uplot.js`)
    expect(await uplot.text()).toMatch(/export \{ uPlot as default \}/)
    expect((await fetch(`${http}/monitor/uplot.css`)).headers.get('content-type')).toMatch(/^text\/css/)
    expect((await fetch(`${http}/monitor/nothing`)).status).toBe(426)
    expect((await fetch(`${http}/metrics`)).status).toBe(426) // metrics stay off
  })

  it('answers /monitor/data with the sessions (bytes, RTT) and the slowest reducers', async () => {
    // The heartbeat pings only quiet connections: reading the monitor's data pings the others.
    const started = await startServer({ monitor: true, heartbeat: { pingIntervalMs: 0 } })
    server = started.server
    const client = await stepUntil(server, connect({ url: started.url, components, reducers: reducerSchemas }))
    clients.push(client)
    await stepUntil(server, client.reducers.spawn({ x: 1, y: 2 }))
    await expect(stepUntil(server, client.reducers.remove({ e: 424_242 }))).rejects.toThrow(/no entity/)
    const read = async (): Promise<Data> => (await fetch(`${started.url.replace('ws:', 'http:')}/monitor/data`)).json() as Promise<Data>
    let data = await read()
    for (let i = 0; i < 100 && data.sessions[0]?.rttMs === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      data = await read()
    }
    expect(data.clients).toBe(1)
    expect(data.reducerCalls).toBe(2)
    expect(data.sessions).toHaveLength(1)
    const [session] = data.sessions
    expect(session?.identity).toBe(client.identity.slice(0, 12))
    expect(session?.rttMs).toBeGreaterThanOrEqual(0)
    expect(session?.bytesIn).toBeGreaterThan(0)
    expect(session?.bytesOut).toBe(data.bytesOut)
    expect(data.slowestReducers.map((r) => [r.name, r.calls, r.errors]).sort()).toEqual([
      ['remove', 1, 1],
      ['spawn', 1, 0],
    ])
  })
})
