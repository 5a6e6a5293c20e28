/**
 * The client half of `pnpm bench:sync`, run as a child process: `clients` simulated players, each on
 * its own WebSocket with its own replica, connected a few at a time, then thinking 4 times a second.
 *
 * argv: url clients seed
 */
import { freemem } from 'node:os'
import { createRng } from '@orrery/ecs'
import type { ClientEvent, ClientReport, Command } from './messages.js'
import type { SectionMeter } from './section-meter.js'
import { SimPlayer } from './sim-player.js'
import { quantile, round } from './stats.js'

const [url, clientsArg, seedArg] = process.argv.slice(2) as [string, string, string]
const clients = Number(clientsArg)
/** Connections opened at once while the players join (bounded, so the handshakes never pile up). */
const CONNECT_CONCURRENCY = 20
/** Time a player may take to join (socket, handshake, subscriptions, enterGame) before it counts as failed. */
const JOIN_DEADLINE_MS = 60_000
/** Failed joins after which no more players start (the server is past what it can take). */
const MAX_FAILED_JOINS = Math.max(20, Math.ceil(clients / 10))
const THINK_HZ = 4
/**
 * Resident memory above which no more players join: every replica is a whole ECS world sized to the
 * server's highest entity index, and the machine may be shared.
 */
const RSS_CAP_BYTES = Math.min(12 * 1024 ** 3, freemem() * 0.5)
const SLICES = 5

function send(event: ClientEvent): void {
  process.send?.(event)
}

const rng = createRng(Number(seedArg))
const random = (): number => rng.next()
/** Players whose updates are measured part by part (re-encoding costs client CPU, so about 50 of them). */
const sampleEvery = Math.max(1, Math.floor(clients / 50))
const players = Array.from({ length: clients }, (_, i) => new SimPlayer(`sim-${i}`, random, i % sampleEvery === 0))
let failed = 0
const connectErrors: string[] = []

// Each slice of the players thinks in turn, so the 4 Hz of every player spreads over the second.
let slice = 0
const thinker = setInterval(() => {
  const now = Date.now()
  for (let i = slice; i < players.length; i += SLICES) (players[i] as SimPlayer).think(now)
  slice = (slice + 1) % SLICES
}, 1000 / (THINK_HZ * SLICES))

const started = performance.now()
let next = 0
/** Why no more players start, or null while they do. */
let stopReason: string | null = null
const progress = setInterval(() => {
  const joined = players.filter((p) => p.connected).length
  process.stderr.write(`[bench:sync] clients: ${next} started, ${joined} connected, ${failed} failed after ${Math.round((performance.now() - started) / 1000)} s\n`)
}, 10_000)
await Promise.all(
  Array.from({ length: Math.min(CONNECT_CONCURRENCY, clients) }, async () => {
    while (next < players.length) {
      if (stopReason === null && failed >= MAX_FAILED_JOINS) stopReason = `${failed} joins failed`
      if (stopReason === null && process.memoryUsage.rss() > RSS_CAP_BYTES) {
        stopReason = `the client process reached its memory cap (${Math.round(RSS_CAP_BYTES / 1024 ** 2)} MB)`
      }
      if (stopReason !== null) break
      const player = players[next++] as SimPlayer
      let timer: ReturnType<typeof setTimeout> | undefined
      try {
        await Promise.race([
          player.start(url),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`not in game within ${JOIN_DEADLINE_MS} ms`)), JOIN_DEADLINE_MS)
          }),
        ])
      } catch (error) {
        void player.stop()
        failed++
        if (connectErrors.length < 5) connectErrors.push(error instanceof Error ? error.message : String(error))
      } finally {
        clearTimeout(timer)
      }
    }
  }),
)
clearInterval(progress)
if (stopReason !== null) connectErrors.unshift(`no more players started after ${next}: ${stopReason}`)
const joined = players.filter((p) => p.joinMs.enter > 0)
send({
  kind: 'connected',
  connected: players.filter((p) => p.connected).length,
  failed,
  errorSamples: connectErrors,
  elapsedMs: Math.round(performance.now() - started),
  connectP50Ms: round(quantile(joined.map((p) => p.joinMs.connect), 0.5), 1),
  enterP50Ms: round(quantile(joined.map((p) => p.joinMs.enter), 0.5), 1),
  enterMaxMs: round(quantile(joined.map((p) => p.joinMs.enter), 1), 1),
})

let window = { at: performance.now(), cpu: process.cpuUsage(), inputs: 0, areas: 0, respawns: 0 }

function report(): ClientReport {
  const windowS = (performance.now() - window.at) / 1000
  const cpu = process.cpuUsage(window.cpu)
  const sum = (f: (p: SimPlayer) => number): number => players.reduce((total, p) => total + f(p), 0)
  const sampled = players.filter((p) => p.sections !== null)
  const sumSections = (f: (m: SectionMeter) => number): number => sampled.reduce((t, p) => t + f(p.sections as SectionMeter), 0)
  const samples = [...connectErrors]
  for (const p of players) if (p.lastError !== null && samples.length < 8) samples.push(p.lastError)
  return {
    windowS: round(windowS),
    clientsConnected: players.filter((p) => p.connected).length,
    bytesReceived: sum((p) => p.meter.bytes),
    framesReceived: sum((p) => p.meter.frames),
    movingUpdates: sum((p) => p.meter.movingUpdates),
    sampledClients: sampled.length,
    sampledBytes: sampled.reduce((t, p) => t + p.meter.bytes, 0),
    insertBytes: sumSections((m) => m.insertBytes),
    deleteBytes: sumSections((m) => m.deleteBytes),
    movingTableUpdateBytes: sumSections((m) => m.movingTableUpdateBytes),
    movingTableUpdateRows: sumSections((m) => m.movingTableUpdateRows),
    otherUpdateBytes: sumSections((m) => m.otherUpdateBytes),
    handleBytes: sumSections((m) => m.handleBytes),
    eventBytes: sumSections((m) => m.eventBytes),
    rowsInserted: sum((p) => p.meter.inserted),
    rowsDeleted: sum((p) => p.meter.deleted),
    areaMoves: sum((p) => p.areaMoves) - window.areas,
    inputsSent: sum((p) => p.inputsSent) - window.inputs,
    respawns: sum((p) => p.respawns) - window.respawns,
    errors: failed + sum((p) => p.errors),
    errorSamples: samples,
    cpuPct: round(((cpu.user + cpu.system) / 1000 / (windowS * 1000)) * 100, 1),
    rssMB: round(process.memoryUsage().rss / (1024 * 1024)),
  }
}

process.on('message', (command: Command) => {
  switch (command.kind) {
    case 'start':
      for (const p of players) {
        p.meter.reset()
        p.sections?.reset()
      }
      window = {
        at: performance.now(),
        cpu: process.cpuUsage(),
        inputs: players.reduce((t, p) => t + p.inputsSent, 0),
        areas: players.reduce((t, p) => t + p.areaMoves, 0),
        respawns: players.reduce((t, p) => t + p.respawns, 0),
      }
      return
    case 'report':
      send({ kind: 'report', report: report() })
      return
    case 'quit':
      clearInterval(thinker)
      void Promise.allSettled(players.map((p) => p.stop())).finally(() => process.exit(0))
      return
  }
})
process.on('disconnect', () => process.exit(0))
