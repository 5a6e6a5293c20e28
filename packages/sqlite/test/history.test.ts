import { createWorld } from '@orrery/ecs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openHistory, verifyDataFolder } from '../src/index.js'
import { main, worldRows } from '../src/internal.js'
import { all, corruptEntry, dumpWorld, persistentServer, play, tempDir } from './fixtures.js'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
  vi.restoreAllMocks()
})

async function recordedMatch(steps: number): Promise<{ dir: string; states: Map<number, unknown>; final: unknown; seq: number }> {
  const t = tempDir()
  cleanups.push(t.cleanup)
  const { server } = persistentServer(t.dir, { pruneLog: false, snapshotEveryTransactions: 50 })
  const states = new Map<number, unknown>()
  for (let i = 0; i < steps; i++) {
    play(server, 1, 31 * i + 5)
    server.step()
    states.set(server.seq, dumpWorld(server.world))
  }
  const final = dumpWorld(server.world)
  const seq = server.seq
  await server.close()
  return { dir: t.dir, states, final, seq }
}

const byName = (rows: unknown): string => JSON.stringify(rows)

describe('history and time travel on a data folder', () => {
  it('replays a recorded match into a fresh world and gets the same final world', async () => {
    const { dir, final, seq } = await recordedMatch(120)
    const history = openHistory(dir)
    const list = all.map((c) => history.components.get(c.name)).filter((c) => c !== undefined)
    const replayed = history.replay(1, seq, createWorld({ components: list, seed: 3 }))
    expect(byName(worldRows(replayed, list))).toBe(byName(final))
    history.close()
  })

  it('worldAt gives the world right after any seq, from the nearest snapshot', async () => {
    const { dir, states } = await recordedMatch(80)
    const history = openHistory(dir)
    const list = all.map((c) => history.components.get(c.name)).filter((c) => c !== undefined)
    for (const [seq, state] of states) {
      if (seq % 7 !== 0) continue
      expect(byName(worldRows(history.worldAt(seq), list))).toBe(byName(state))
    }
    history.close()
  })

  it('finds the transactions that touched an entity or an identity ran, and the first seq a field took a value', async () => {
    const { dir } = await recordedMatch(60)
    const history = openHistory(dir)
    const spawns = [...history.transactions({ origin: 'spawn' })]
    expect(spawns.length).toBeGreaterThan(0)
    const first = spawns[0]
    if (first === undefined) throw new Error('no spawn')
    const e = first.tables.find((t) => t.component === 'Body')?.inserts[0] as number
    const touching = [...history.transactions({ entity: e })]
    expect(touching[0]?.seq).toBe(first.seq)
    expect(touching.every((entry) => JSON.stringify(entry).includes(String(e)))).toBe(true)
    expect([...history.transactions({ identity: 'a'.repeat(64) })].every((entry) => entry.caller === 'a'.repeat(64))).toBe(true)
    const name = (first.tables.find((t) => t.component === 'Player')?.inserts[2] as string) ?? ''
    expect(history.firstChange('Player', 'name', name)?.seq).toBe(first.seq)
    expect(history.firstChange('Player', 'name', 'nobody')).toBeNull()
    history.close()
  })

  it('the CLI lists transactions by identity and origin, as text and as JSON lines, and finds a first change', async () => {
    const { dir } = await recordedMatch(40)
    const lines: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk))
      return true
    })
    await main(['node', 'orrery', 'log', dir, '--identity', 'a'.repeat(64), '--json'])
    const entries = lines.map((l) => JSON.parse(l) as { caller: string; origin: string })
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.every((e) => e.caller === 'a'.repeat(64) && e.origin === 'spawn')).toBe(true)
    lines.length = 0
    await main(['node', 'orrery', 'log', dir, '--origin', 'drift', '--from', '2', '--to', '30'])
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line).toMatch(/^\d+\ttick \d+\t\S+Z\tsystem:drift\t0{12}\tBody \+0 ~\d+ -0/)
    lines.length = 0
    await main(['node', 'orrery', 'first', dir, 'Player', 'name', 'p0'])
    expect(lines.join('')).toMatch(/reducer:spawn/)
    expect(process.exitCode ?? 0).toBe(0)
  })

  it('verify passes on a good folder and names the problem on a corrupt one; the CLI exits non-zero', async () => {
    const { dir, seq } = await recordedMatch(60)
    expect(verifyDataFolder(dir)).toMatchObject({ ok: true, last: seq })
    const lines: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk))
      return true
    })
    await main(['node', 'orrery', 'at', dir, String(seq), 'Body'])
    const reader = openHistory(dir)
    const bodies = (dumpWorld(reader.worldAt(seq), []) as { '#alive': unknown[] })['#alive']
    reader.close()
    expect(lines[0]).toBe('entity\tx\ty\tmass\n')
    expect(lines.at(-1)).toMatch(new RegExp(`rows of Body at seq ${seq}`))
    expect(bodies.length).toBeGreaterThanOrEqual(lines.length - 2)
    corruptEntry(dir, seq - 5)
    const report = verifyDataFolder(dir)
    expect(report.ok).toBe(false)
    expect(report.problems.join('\n')).toMatch(new RegExp(`log entry ${seq - 5}: checksum mismatch`))
    lines.length = 0
    await main(['node', 'orrery', 'verify', dir])
    expect(lines.join('')).toMatch(/FAILED/)
    expect(process.exitCode).toBe(1)
    process.exitCode = 0
  })
})
