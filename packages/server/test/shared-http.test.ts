import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, expect, it } from 'vitest'
import type { OrreryServer } from '../src/index.js'
import { RawClient, startServer } from './helpers.js'

const servers: OrreryServer[] = []
const raws: RawClient[] = []
let http: Server | null = null

afterEach(async () => {
  await Promise.all(raws.splice(0).map((r) => r.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
  await new Promise<void>((resolve) => (http === null ? resolve() : http.close(() => resolve())))
  http = null
})

/** The HTTP status an upgrade to `url` is refused with. */
function refusal(url: string): Promise<number> {
  return RawClient.open(url).then(
    async (client) => {
      raws.push(client)
      throw new Error('the upgrade was accepted')
    },
    (error: Error) => Number(/Unexpected server response: (\d+)/.exec(error.message)?.[1]),
  )
}

it('path: two servers share one HTTP server, each on its own path; admitUpgrade refuses with its status', async () => {
  const shared = createHttpServer()
  http = shared
  await new Promise<void>((resolve) => shared.listen(0, '127.0.0.1', resolve))
  const base = `ws://127.0.0.1:${(shared.address() as AddressInfo).port}`
  let admitted = 0
  for (const name of ['a', 'b']) {
    const { server } = await startServer({
      httpServer: shared,
      path: `/worlds/${name}`,
      admitUpgrade: async (request) => {
        if (request.url?.includes('ticket=ok') !== true) return 409
        admitted++
        return null
      },
    })
    servers.push(server)
  }
  const a = await RawClient.open(`${base}/worlds/a?ticket=ok`)
  raws.push(a)
  const b = await RawClient.open(`${base}/worlds/b?ticket=ok`)
  raws.push(b)
  const [wa, wb] = await Promise.all([a.handshake(), b.handshake()])
  expect(wa.identity).not.toBe(wb.identity)
  expect(servers[0]!.metrics().clients).toBe(1)
  expect(servers[1]!.metrics().clients).toBe(1)
  expect(admitted).toBe(2)
  expect(await refusal(`${base}/worlds/a?ticket=no`)).toBe(409)
  // Closing one server leaves the other on the shared HTTP server.
  await servers.shift()!.close()
  b.send({ type: 'Ping', clientTime: 1 })
  expect((await b.next('Pong')).clientTime).toBe(1)
})
