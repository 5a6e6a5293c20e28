import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, expect, it } from 'vitest'
import type { WebSocketLike } from '@orrery/connection'
import { locateWorld, worldSocketUrl, worldWebSocket } from './world-socket.js'

const servers: ReturnType<typeof createServer>[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** A process answering GET /worlds/<id> with each answer in turn (the last one repeats). */
async function process(answers: { status: number; body?: unknown }[]): Promise<string> {
  let i = 0
  const server = createServer((_request, response) => {
    const answer = answers[Math.min(i++, answers.length - 1)]!
    response.writeHead(answer.status, { 'content-type': 'application/json' })
    response.end(JSON.stringify(answer.body ?? {}))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

it('locateWorld asks until a live process holds the world, past a process that is down', async () => {
  const owner = 'http://10.0.0.7:4000'
  const answering = await process([{ status: 200, body: { address: 'http://dead:1', live: false } }, { status: 200, body: { address: owner, live: true } }])
  const url = await locateWorld({ worldId: 'w-1', ticket: 't 1', processes: ['http://127.0.0.1:1', answering] })
  expect(url).toBe('ws://10.0.0.7:4000/worlds/w-1?ticket=t%201')
  expect(worldSocketUrl('https://a.example/', 'x', 'y')).toBe('wss://a.example/worlds/x?ticket=y')
})

it('locateWorld gives null for an unknown world', async () => {
  const answering = await process([{ status: 404 }])
  expect(await locateWorld({ worldId: 'gone', ticket: 't', processes: [answering] })).toBeNull()
})

/** A socket that keeps binaryType as a WHATWG WebSocket does (browsers, Node 22's global one): 'blob' or 'arraybuffer' only. */
class StandardSocket implements WebSocketLike {
  static last: StandardSocket | null = null
  onopen: WebSocketLike['onopen'] = null
  onmessage: WebSocketLike['onmessage'] = null
  onclose: WebSocketLike['onclose'] = null
  onerror: WebSocketLike['onerror'] = null
  readonly readyState = 0
  private type = 'blob'
  constructor(readonly url: string) {
    StandardSocket.last = this
  }
  get binaryType(): string {
    return this.type
  }
  set binaryType(value: string) {
    if (value === 'blob' || value === 'arraybuffer') this.type = value
  }
  send(): void {}
  close(): void {}
}

it("falls back to 'arraybuffer' when the socket underneath refuses 'nodebuffer', as a WHATWG WebSocket does", async () => {
  const World = worldWebSocket({ worldId: 'w', ticket: 't', processes: [], firstUrl: 'ws://127.0.0.1:1/worlds/w?ticket=t', WebSocket: StandardSocket })
  const socket = new World('ignored')
  // What the connection does: ask for Node buffers, keep them if the socket takes them.
  socket.binaryType = 'nodebuffer'
  await new Promise((resolve) => setTimeout(resolve, 0))
  expect(StandardSocket.last?.url).toBe('ws://127.0.0.1:1/worlds/w?ticket=t')
  expect(StandardSocket.last?.binaryType).toBe('arraybuffer')
  expect(socket.binaryType).toBe('arraybuffer')
})
