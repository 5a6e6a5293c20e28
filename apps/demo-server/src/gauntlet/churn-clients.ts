// The soak's client process: `--clients C` slots, each a player that connects (signing in with a key of a
// fixed pool, or its token), enters the game, subscribes to an area, steers 5 times a second, sometimes
// splits, leaves after 3-20 s (one time in five by dropping the socket) and comes back 0-3 s later.
// Messages to the parent: { type: 'progress', cycles, connected, refused } each second; { type: 'stop' } from it.
import { parseArgs } from 'node:util'
import { generateIdentity, type KeyIdentity } from '@orrery/auth'
import { createRng, type Rng } from '@orrery/ecs'
import { encodeClientMessage } from '@orrery/protocol'
import type WebSocket from 'ws'
import { signIn } from './raw-session.js'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    clients: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
  },
})

const url = values.url as string
const slots = Number(values.clients)
const keys: KeyIdentity[] = Array.from({ length: slots * 2 }, () => generateIdentity())
const tokens = new Map<KeyIdentity, string>()
let stopping = false
let cycles = 0
let connected = 0
let refused = 0
const sockets = new Set<WebSocket>()

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function play(rng: Rng, slot: number): Promise<void> {
  const key = keys[rng.int(0, keys.length)] as KeyIdentity
  const address = `127.2.${slot >> 8}.${(slot & 255) + 1 > 254 ? 1 : (slot & 255) + 1}`
  let session: Awaited<ReturnType<typeof signIn>>
  try {
    session = await signIn(url, key, address, rng.next() < 0.5 ? (tokens.get(key) ?? null) : null)
  } catch {
    refused++
    await sleep(1000)
    return
  }
  tokens.set(key, session.token)
  const { ws } = session
  sockets.add(ws)
  connected++
  let request = 1
  const call = (reducer: string, args: unknown[]): void => {
    if (ws.readyState === 1) ws.send(encodeClientMessage({ type: 'CallReducer', requestId: request++, reducer, args }))
  }
  call('enterGame', [`soak-${slot}`])
  const x = rng.range(100, 900)
  const y = rng.range(100, 900)
  ws.send(encodeClientMessage({ type: 'Subscribe', requestId: request++, queryId: 1, components: ['Body', 'Circle', 'Food', 'Player'], area: { minX: x - 60, minY: y - 60, maxX: x + 60, maxY: y + 60, margin: 10 } }))
  const stayMs = rng.range(3_000, 20_000)
  const started = performance.now()
  while (!stopping && ws.readyState === 1 && performance.now() - started < stayMs) {
    call('updatePlayerInput', [rng.range(-1, 1), rng.range(-1, 1)])
    if (rng.next() < 0.02) call('playerSplit', [])
    await sleep(200)
  }
  connected--
  sockets.delete(ws)
  if (rng.next() < 0.2) ws.terminate()
  else ws.close(1000)
  await session.closed
  cycles++
  if (!stopping) await sleep(rng.range(0, 3_000))
}

async function slot(index: number): Promise<void> {
  const rng = createRng((Number(values.seed) * 31 + index * 7_919) >>> 0)
  await sleep(rng.range(0, 3_000))
  while (!stopping) await play(rng, index)
}

const running = Promise.all(Array.from({ length: slots }, (_, i) => slot(i)))
const progress = setInterval(() => process.send?.({ type: 'progress', cycles, connected, refused }), 1000)
process.on('message', (message: unknown) => {
  if ((message as { type?: string }).type !== 'stop') return
  stopping = true
  for (const ws of sockets) ws.close(1000)
  void running.then(() => {
    clearInterval(progress)
    process.send?.({ type: 'stopped', cycles, refused })
    process.disconnect?.()
  })
})
process.on('disconnect', () => process.exit(0))
