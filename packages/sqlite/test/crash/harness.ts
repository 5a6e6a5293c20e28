import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { type Component, createRng, type World } from '@orrery/ecs'
import { decodeServerMessage, encodeClientMessage, PROTOCOL_VERSION } from '@orrery/protocol'
import { WebSocket } from 'ws'
import { openHistory } from '../../src/index.js'
import { worldRows } from '../../src/internal.js'
import { ACCOUNTS, all, OPENING_BALANCE } from './bank.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const PACKAGE = join(HERE, '..', '..')

/** What one kill found. */
export interface KillResult {
  readonly kill: number
  readonly afterMs: number
  readonly durableAcked: number
  readonly lastSeq: number
  readonly recoveredSeq: number
}

/** A seeded generator of numbers in [0, 1). */
function seeded(seed: number): () => number {
  const rng = createRng(seed)
  return () => rng.next()
}

function startChild(dir: string): Promise<{ child: ChildProcess; port: number; recoveredSeq: number }> {
  const child = spawn(process.execPath, ['--conditions=@orrery/source', '--import', 'tsx', join(HERE, 'child.ts'), dir], {
    cwd: PACKAGE,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let errors = ''
  child.stderr?.on('data', (d: Buffer) => {
    errors += d.toString()
  })
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
    lines.once('line', (line) => {
      const { port, recoveredSeq } = JSON.parse(line) as { port: number; recoveredSeq: number }
      resolve({ child, port, recoveredSeq })
    })
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening: ${errors}`)))
  })
}

/** A client that sends transfers as fast as its window allows and records the tags answered durable. */
class Teller {
  private readonly ws: WebSocket
  private next = 1
  private inFlight = new Map<number, string>()
  readonly durable: string[] = []
  private open = true

  constructor(
    port: number,
    private readonly name: string,
    private readonly rand: () => number,
    private readonly window: number,
  ) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}`)
    this.ws.on('error', () => {})
    this.ws.on('close', () => {
      this.open = false
    })
    this.ws.on('open', () => {
      this.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    })
    this.ws.on('message', (data: Buffer) => {
      const m = decodeServerMessage(new Uint8Array(data))
      if (m.type === 'Challenge') this.send({ type: 'Authenticate', method: 'anonymous', credential: null })
      else if (m.type === 'Welcome') for (let k = 0; k < this.window; k++) this.transfer()
      else if (m.type === 'ReducerResult') {
        const tag = this.inFlight.get(m.requestId)
        this.inFlight.delete(m.requestId)
        if (m.ok && m.durable === true && tag !== undefined) this.durable.push(tag)
        this.transfer()
      }
    })
  }

  private send(message: Parameters<typeof encodeClientMessage>[0]): void {
    if (this.open && this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeClientMessage(message))
  }

  private transfer(): void {
    const id = this.next++
    const tag = `${this.name}-${id}`
    const from = Math.floor(this.rand() * ACCOUNTS)
    const to = (from + 1 + Math.floor(this.rand() * (ACCOUNTS - 1))) % ACCOUNTS
    this.inFlight.set(id, tag)
    this.send({ type: 'CallReducer', requestId: id, reducer: 'transfer', args: [from, to, 1 + Math.floor(this.rand() * 20), tag] })
  }

  close(): void {
    this.open = false
    this.ws.terminate()
  }
}

function total(world: World, account: Component): number {
  let sum = 0
  for (const e of world.query([account]).toArray()) sum += world.read(e, account, 'balance' as never) as number
  return sum
}

/**
 * Runs a bank server as a child process under load from real WebSocket clients and kills it with
 * SIGKILL `kills` times at seeded random moments. After each kill it checks, on the data folder:
 * every transfer whose result said durable is present; the world recovered (snapshot + tail)
 * equals the world rebuilt from the log alone; no half transaction is visible (money is neither
 * made nor lost, every receipt has its transfer); and the restarted server recovers exactly there.
 *
 * @param kills - number of SIGKILLs
 * @param seed - seeds kill times and transfers
 * @param onKill - told after each kill's checks
 * @returns one result per kill
 * @throws Error describing the first violated check
 */
export async function runCrashTest(kills: number, seed: number, onKill?: (r: KillResult) => void): Promise<KillResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-crash-'))
  const rand = seeded(seed)
  const results: KillResult[] = []
  const acked = new Set<string>()
  let expectedSeq = 0
  try {
    for (let kill = 1; kill <= kills; kill++) {
      const { child, port, recoveredSeq } = await startChild(dir)
      if (recoveredSeq !== expectedSeq) throw new Error(`kill ${kill}: the server recovered seq ${recoveredSeq}, the log held ${expectedSeq}`)
      const tellers = [0, 1, 2].map((t) => new Teller(port, `k${kill}t${t}`, seeded(seed * 31 + kill * 7 + t), 8))
      const afterMs = 150 + Math.floor(rand() * 450)
      await new Promise((resolve) => setTimeout(resolve, afterMs))
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
      for (const t of tellers) {
        for (const tag of t.durable) acked.add(tag)
        t.close()
      }
      const history = openHistory(dir)
      try {
        const list = all.map((c) => history.components.get(c.name)).filter((c): c is Component => c !== undefined)
        const account = history.components.get('Account') as Component
        const receipt = history.components.get('Receipt') as Component
        const { last } = history.range()
        const recovered = history.worldAt(last)
        const fromLog = history.replay(1, last)
        if (JSON.stringify(worldRows(recovered, list)) !== JSON.stringify(worldRows(fromLog, list))) {
          throw new Error(`kill ${kill}: the recovered world differs from the world rebuilt from the log alone`)
        }
        const tags = new Set<string>()
        for (const e of recovered.query([receipt]).toArray()) tags.add(recovered.read(e, receipt, 'tag' as never) as string)
        for (const tag of acked) if (!tags.has(tag)) throw new Error(`kill ${kill}: transfer ${tag} was answered durable but is lost`)
        if (total(recovered, account) !== ACCOUNTS * OPENING_BALANCE) {
          throw new Error(`kill ${kill}: half a transaction is visible: the accounts hold ${total(recovered, account)}`)
        }
        let transfers = 0
        for (const entry of history.transactions({ origin: 'transfer' })) transfers += entry.tables.length > 0 ? 1 : 0
        if (transfers !== tags.size) throw new Error(`kill ${kill}: ${tags.size} receipts but ${transfers} transfers in the log`)
        expectedSeq = last
        const result = { kill, afterMs, durableAcked: acked.size, lastSeq: last, recoveredSeq }
        results.push(result)
        onKill?.(result)
      } finally {
        history.close()
      }
    }
    // a last restart: the server must come up on what the last kill left
    const { child, recoveredSeq } = await startChild(dir)
    child.kill('SIGKILL')
    if (recoveredSeq !== expectedSeq) throw new Error(`final restart recovered seq ${recoveredSeq}, the log held ${expectedSeq}`)
    return results
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
