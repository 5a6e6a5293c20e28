// The cluster demo: `pnpm -s demo --headless --cluster 3 --worlds 6 --bots 48 --duration 30 --kill-one-at 10`.
// Starts Redis, N world host processes and W Blackholio worlds; bots matchmake into them; at --kill-one-at one
// process is killed with SIGKILL; prints one JSON report line on stdout.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { LOOPBACK_SERVER_NAMES } from '@orrery/auth'
import { createKeyAuthenticator } from '@orrery/server'
import { startRedisServer } from '@orrery/tooling-redis'
import { Auditor } from './auditor.js'
import { startClusterBots } from './cluster-bots.js'
import { type HostProcess, startHostProcess, stopHostProcess } from './host-processes.js'

const log = (line: string): void => {
  process.stderr.write(`[cluster demo] ${line}\n`)
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  const n = Number(raw ?? fallback)
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`--${name} must be an integer ≥ 1, got '${raw}'`)
  return n
}

/** Runs the cluster demo; an error is printed on stderr. @returns the exit code */
export async function runClusterCli(argv: readonly string[]): Promise<number> {
  try {
    return await runClusterDemo(argv)
  } catch (error) {
    process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
}

/**
 * Runs the cluster demo with these arguments.
 * @returns the exit code (0, or 1 when the report shows a failure)
 */
export async function runClusterDemo(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      headless: { type: 'boolean', default: false },
      cluster: { type: 'string' },
      worlds: { type: 'string' },
      bots: { type: 'string' },
      duration: { type: 'string' },
      'kill-one-at': { type: 'string' },
    },
    strict: true,
  })
  if (!values.headless) throw new Error('the cluster demo runs --headless')
  const processes = positive('cluster', values.cluster, 3)
  const worldCount = positive('worlds', values.worlds, 6)
  const botCount = Number(values.bots ?? 48)
  const durationS = Number(values.duration ?? 30)
  const killAtS = values['kill-one-at'] === undefined ? null : Number(values['kill-one-at'])
  if (!(durationS > 0)) throw new Error(`--duration must be > 0 seconds, got '${values.duration}'`)
  if (killAtS !== null && !(killAtS > 0 && killAtS < durationS)) throw new Error('--kill-one-at must be within the duration')
  // One seat for each world's auditor besides its bots.
  const seats = Math.ceil(botCount / worldCount) + 1

  const redis = await startRedisServer()
  const root = await mkdtemp(join(tmpdir(), 'orrery-cluster-'))
  const keysDir = join(root, 'keys')
  const dataDir = join(root, 'worlds')
  // The signing keys are made once, before the processes that share them start.
  await createKeyAuthenticator({ dataDir: keysDir, issuer: 'blackholio', audience: 'blackholio', serverNames: [...LOOPBACK_SERVER_NAMES] }).ready()
  const hosts: HostProcess[] = []
  const auditors: Auditor[] = []
  let errors = 0
  try {
    for (let i = 0; i < processes; i++) hosts.push(await startHostProcess({ redisUrl: redis.url, dataDir, keysDir, seats, bots: botCount }))
    const addresses = hosts.map((h) => h.address)
    log(`redis on ${redis.url}, ${processes} processes: ${addresses.join(', ')}`)
    for (let slot = 0; slot < worldCount; slot++) auditors.push(await Auditor.start(addresses[slot % processes]!, addresses, slot))
    const started = performance.now()
    const group = await startClusterBots(addresses, botCount, worldCount)
    errors += group.failures.length
    for (const failure of group.failures) log(failure)
    const worlds = (await (await fetch(`${addresses[0]}/worlds`)).json()) as { id: string; processId: string }[]
    const worldsPerProcess = hosts.map((h) => worlds.filter((w) => w.processId === h.processId).length)
    log(`${worlds.length} worlds (${worldsPerProcess.join(' / ')} per process), ${group.bots.length - group.failures.length} bots in`)

    let killedAt: number | null = null
    let victim: HostProcess | null = null
    let moving: string[] = []
    const killDelay = killAtS === null ? null : Math.max(0, killAtS * 1000 - (performance.now() - started))
    if (killDelay !== null) {
      await new Promise((resolve) => setTimeout(resolve, killDelay))
      victim = hosts.find((h) => worlds.some((w) => w.processId === h.processId)) ?? null
      if (victim !== null) {
        moving = worlds.filter((w) => w.processId === victim!.processId).map((w) => w.id)
        log(`killing process ${victim.processId} (${victim.address}) with SIGKILL: it holds ${moving.length} worlds`)
        killedAt = performance.now()
        victim.killed = true
        victim.child.kill('SIGKILL')
      }
    }
    // Playing at the end: inputs sent in the last 3 s.
    const untilEnd = (): number => Math.max(0, durationS * 1000 - (performance.now() - started))
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, untilEnd() - 3_000)))
    const inputsBefore = group.bots.map((b) => b.bot.stats.inputsSent)
    await new Promise((resolve) => setTimeout(resolve, untilEnd()))

    const survivors = hosts.filter((h) => !h.killed)
    const events = survivors.flatMap((h) => h.events)
    const recovered = events.filter((e) => e.type === 'world-opened' && e.recovered === true && e.worldId !== undefined && moving.includes(e.worldId))
    errors += events.filter((e) => e.type === 'error').length
    for (const e of events.filter((e) => e.type === 'error')) log(`host error in ${e.where}: ${e.error}`)
    const affected = group.bots.filter((b) => moving.includes(b.worldId))
    const stats = group.bots.map((b) => ({ worldId: b.worldId, ...b.bot.stats }))
    const movedAuditors = auditors.filter((a) => moving.includes(a.worldId))
    const recoveryTimes = killedAt === null ? [] : movedAuditors.map((a) => (a.recoveredAt[0] ?? Number.POSITIVE_INFINITY) - killedAt!)
    const report = {
      processes,
      worlds: worlds.length,
      worldsPerProcess,
      botsConnected: stats.filter((s) => s.connected).length,
      botsPlaying: stats.filter((s, i) => s.connected && s.inputsSent > (inputsBefore[i] ?? 0)).length,
      bots: botCount,
      failovers: victim === null ? 0 : 1,
      worldsOfKilledProcess: moving.length,
      worldsRecovered: new Set(recovered.map((e) => e.worldId)).size,
      recoveryMsMax: recoveryTimes.length === 0 ? 0 : Math.round(Math.max(...recoveryTimes)),
      worldOpenMsMax: Math.round(Math.max(0, ...recovered.map((e) => e.ms ?? 0))),
      botsResumed: stats.filter((s) => moving.includes(s.worldId) && s.reconnects > 0 && s.connected).length,
      botsOfKilledProcess: affected.length,
      lostAckedTx: auditors.reduce((sum, a) => sum + a.lostAcked, 0),
      auditorsRecovered: movedAuditors.filter((a) => a.recoveredAt.length > 0).length,
      errors,
    }
    process.stdout.write(`${JSON.stringify(report)}\n`)
    await Promise.all(group.bots.map((b) => b.bot.stop()))
    const ok = report.errors === 0 && report.lostAckedTx === 0 && report.botsPlaying === botCount && report.worldsRecovered === report.worldsOfKilledProcess
    return ok ? 0 : 1
  } finally {
    await Promise.all(auditors.map((a) => a.stop().catch(() => {})))
    await Promise.all(hosts.map((h) => stopHostProcess(h)))
    await redis.stop()
    await rm(root, { recursive: true, force: true })
  }
}
