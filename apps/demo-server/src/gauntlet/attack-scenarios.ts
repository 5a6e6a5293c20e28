import { generateIdentity, type KeyIdentity } from '@orrery/auth'
import type { Rng } from '@orrery/ecs'
import { encodeClientMessage, PROTOCOL_VERSION } from '@orrery/protocol'
import type WebSocket from 'ws'
import { decodeFloodFrame, deepFrame, mutatedFrame, nonFiniteFrame, oversizedFrame, randomBytes, validFrame, wrongTypeFrame } from './hostile-frames.js'
import { openSocket, signIn } from './raw-session.js'

/** What an attacking connection shares with its worker. */
export interface AttackContext {
  readonly url: string
  /** The address the next connection comes from; the worker moves to another when this one is refused. */
  address: string
  readonly rng: Rng
  /** The worker's identity; replaced when its sign-ins are refused. */
  key: KeyIdentity
  /** The worker's last session token (for reconnects as the same identity). */
  token: string | null
  /** Sends one frame and counts it; false when the socket is not open. */
  send(ws: WebSocket, frame: Uint8Array): boolean
  /** Counts frames sent outside {@link AttackContext.send} (the handshake's, one by one). */
  count(frames: number): void
  /** Records how a connection ended. */
  closedWith(code: number): void
  /** Whether the run has sent enough frames. */
  done(): boolean
}

/** Waits for `closed`, at most `ms`; then closes the socket itself. */
async function endWithin(ws: WebSocket, closed: Promise<number>, ms: number): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const code = await Promise.race([closed, new Promise<number>((res) => {
    timer = setTimeout(() => {
      ws.terminate()
      res(-1)
    }, ms)
  })])
  clearTimeout(timer)
  return code === -1 ? await closed : code
}

const opened = (ws: WebSocket): Promise<boolean> =>
  new Promise((res) => {
    ws.once('open', () => res(true))
    ws.once('close', () => res(false))
  })

/** Lets a sender wait while its socket holds too much, so the attacker does not buffer without bound. */
async function drain(ws: WebSocket): Promise<void> {
  while (ws.readyState === 1 && ws.bufferedAmount > 1 << 20) await new Promise((r) => setTimeout(r, 5))
}

/** A hostile frame of any kind that needs no session. */
function anyHostile(rng: Rng): Uint8Array {
  switch (rng.int(0, 7)) {
    case 0:
      return randomBytes(rng, 64)
    case 1:
      return mutatedFrame(rng)
    case 2:
      return wrongTypeFrame(rng)
    case 3:
      return nonFiniteFrame(rng)
    case 4:
      return deepFrame(rng.int(33, 5000))
    case 5:
      return oversizedFrame()
    default:
      return decodeFloodFrame(rng.int(100, 60_000))
  }
}

/** Before any handshake: garbage, mutations, wrong types, NaN, deep nesting, oversized frames. */
async function garbageBeforeHello(ctx: AttackContext): Promise<void> {
  const { ws, closed } = openSocket(ctx.url, ctx.address)
  if (await opened(ws)) for (let i = ctx.rng.int(1, 4); i > 0; i--) ctx.send(ws, anyHostile(ctx.rng))
  ctx.closedWith(await endWithin(ws, closed, 3_000))
}

/** Messages out of order: a request before Hello, Authenticate first, or Hello twice. */
async function outOfOrder(ctx: AttackContext): Promise<void> {
  const { ws, closed } = openSocket(ctx.url, ctx.address)
  if (await opened(ws)) {
    const hello = encodeClientMessage({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    const which = ctx.rng.int(0, 3)
    if (which === 0) ctx.send(ws, validFrame(ctx.rng))
    else if (which === 1) ctx.send(ws, encodeClientMessage({ type: 'Authenticate', method: 'anonymous', credential: null }))
    else {
      ctx.send(ws, hello)
      ctx.send(ws, hello)
    }
  }
  ctx.closedWith(await endWithin(ws, closed, 3_000))
}

/** Signs in (with the worker's token half of the time), or records the refusal. */
async function session(ctx: AttackContext): Promise<{ ws: WebSocket; closed: Promise<number> } | null> {
  try {
    const s = await signIn(ctx.url, ctx.key, ctx.address, ctx.rng.next() < 0.5 ? ctx.token : null, () => ctx.count(1))
    ctx.token = s.token
    return s
  } catch (error) {
    const match = /\((\d+)\)/.exec(String(error))
    const code = match === null ? 1006 : Number(match[1])
    ctx.closedWith(code)
    if (code === 4004) {
      // Key identities cost nothing to make: a refused identity is replaced by a fresh one, as an attacker would.
      ctx.key = newKey()
      ctx.token = null
    }
    return null
  }
}

/** After Welcome: hostile frames until the server closes. */
async function garbageAfterWelcome(ctx: AttackContext): Promise<void> {
  const s = await session(ctx)
  if (s === null) return
  for (let i = 0; i < 20 && s.ws.readyState === 1; i++) ctx.send(s.ws, anyHostile(ctx.rng))
  ctx.closedWith(await endWithin(s.ws, s.closed, 3_000))
}

/** After Welcome: thousands of frames as fast as the socket takes them (most arrive after the budget is spent). */
async function flood(ctx: AttackContext): Promise<void> {
  const s = await session(ctx)
  if (s === null) return
  for (let i = 0; i < 3000 && s.ws.readyState === 1 && !ctx.done(); i++) {
    ctx.send(s.ws, validFrame(ctx.rng))
    if (i % 100 === 99) await drain(s.ws)
  }
  ctx.closedWith(await endWithin(s.ws, s.closed, 2_000))
}

/** After Welcome: Subscribe to the whole world again and again (each would cost a full snapshot). */
async function repeatedSubscribe(ctx: AttackContext): Promise<void> {
  const s = await session(ctx)
  if (s === null) return
  for (let i = 0; i < 200 && s.ws.readyState === 1 && !ctx.done(); i++) {
    const frame = encodeClientMessage({ type: 'Subscribe', requestId: i, queryId: i % 20, components: ['Body', 'Circle', 'Food', 'Player', 'LeaderboardEntry'], area: null })
    ctx.send(s.ws, frame)
    if (i % 20 === 19) await new Promise((r) => setTimeout(r, 10))
  }
  ctx.closedWith(await endWithin(s.ws, s.closed, 2_000))
}

/** After Welcome: frames just under the element limit that still decode, then one over it; the worker reconnects with its token. */
async function decodeFlood(ctx: AttackContext): Promise<void> {
  const s = await session(ctx)
  if (s === null) return
  const frame = decodeFloodFrame(4_000)
  for (let i = 0; i < 300 && s.ws.readyState === 1 && !ctx.done(); i++) {
    ctx.send(s.ws, frame)
    if (i % 20 === 19) await drain(s.ws)
  }
  if (s.ws.readyState === 1) ctx.send(s.ws, decodeFloodFrame(65_000))
  ctx.closedWith(await endWithin(s.ws, s.closed, 2_000))
}

/** Slow readers holding a connection now; a few are enough, more would only idle the workers. */
let slowReaders = 0
const MAX_SLOW_READERS = 4

/** After Welcome: subscribe to everything and stop reading for 8 s (the server's outbox for it fills). */
async function slowloris(ctx: AttackContext): Promise<void> {
  if (slowReaders >= MAX_SLOW_READERS) {
    await flood(ctx)
    return
  }
  slowReaders++
  try {
    await slowRead(ctx)
  } finally {
    slowReaders--
  }
}

async function slowRead(ctx: AttackContext): Promise<void> {
  const s = await session(ctx)
  if (s === null) return
  ctx.send(s.ws, encodeClientMessage({ type: 'Subscribe', requestId: 1, queryId: 1, components: ['Body', 'Circle', 'Food', 'Player'], area: null }))
  const socket = (s.ws as unknown as { _socket?: { pause(): void } })._socket
  socket?.pause()
  ctx.closedWith(await endWithin(s.ws, s.closed, 8_000))
}

/** Scenarios and their weights. */
export const SCENARIOS: readonly { readonly name: string; readonly weight: number; readonly run: (ctx: AttackContext) => Promise<void> }[] = [
  { name: 'garbageBeforeHello', weight: 4, run: garbageBeforeHello },
  { name: 'outOfOrder', weight: 2, run: outOfOrder },
  { name: 'garbageAfterWelcome', weight: 2, run: garbageAfterWelcome },
  { name: 'flood', weight: 3, run: flood },
  { name: 'repeatedSubscribe', weight: 2, run: repeatedSubscribe },
  { name: 'decodeFlood', weight: 2, run: decodeFlood },
  { name: 'slowloris', weight: 1, run: slowloris },
]

/** Picks a scenario by weight. */
export function pickScenario(rng: Rng): (typeof SCENARIOS)[number] {
  const total = SCENARIOS.reduce((n, s) => n + s.weight, 0)
  let r = rng.next() * total
  for (const s of SCENARIOS) {
    r -= s.weight
    if (r < 0) return s
  }
  return SCENARIOS[0] as (typeof SCENARIOS)[number]
}

/** A fresh key for a worker. */
export const newKey = (): KeyIdentity => generateIdentity()
