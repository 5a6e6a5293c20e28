/**
 * Costs that matter to Orrery itself, on 10,000 entities with Body {x, y} (spatial grid) and
 * Velocity {x, y}: a tracked transaction that moves all of them, the change-set extraction part
 * of it (commit), and a rollback of the same move.
 */
import { performance } from 'node:perf_hooks'
import { type Entity, type World, createWorld, defineComponent } from '../src/index.js'
import { measure } from '@orrery/tooling-bench'

/** Microseconds per call: the shared bench helper's median over 7 samples after a 500 ms warmup. */
const medianUs = (fn: () => void): number => measure(fn, { warmupMs: 500, samples: 7, sampleMs: 100 }).usPerOp

const COUNT = 10_000

function makeWorld(tracked: boolean, spatial: boolean) {
  const Body = defineComponent(
    'Body',
    { x: 'f64', y: 'f64', mass: 'u32' },
    spatial ? { spatial: { x: 'x', y: 'y', cellSize: 100 } } : {},
  )
  const Velocity = defineComponent('Velocity', { x: 'f64', y: 'f64' })
  const world: World = createWorld({ trackChanges: tracked, seed: 7 })
  const fill = () => {
    for (let i = 0; i < COUNT; i++) {
      const e = world.create()
      world.add(e, Body, { x: world.rng.range(0, 5000), y: world.rng.range(0, 5000), mass: 10 })
      world.add(e, Velocity, { x: world.rng.range(-2, 2), y: world.rng.range(-2, 2) })
    }
  }
  if (tracked) world.transaction(fill)
  else fill()
  const q = world.query([Body, Velocity])
  const x = world.field(Body, 'x')
  const y = world.field(Body, 'y')
  const vx = world.field(Velocity, 'x')
  const vy = world.field(Velocity, 'y')
  let dir = 1
  const move = () => {
    dir = -dir
    const ents = q.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      x.set(e, x.get(e) + dir * vx.get(e))
      y.set(e, y.get(e) + dir * vy.get(e))
    }
  }
  return { world, move }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1] as number
}

/** Runs the cost measurements; returns table rows and a µs map for the JSON line. */
export function orreryCosts(): { rows: (string | number)[][]; us: Record<string, number> } {
  const rows: (string | number)[][] = []
  const us: Record<string, number> = {}
  const add = (name: string, key: string, usPerOp: number): void => {
    rows.push([name, usPerOp, 1e6 / usPerOp])
    us[key] = Math.round(usPerOp * 10) / 10
  }

  const plain = makeWorld(false, false)
  add('move, untracked, no index (baseline)', 'moveUntracked', medianUs(plain.move))

  const grid = makeWorld(false, true)
  add('move, untracked, spatial grid', 'moveUntrackedGrid', medianUs(grid.move))

  const tracked = makeWorld(true, true)
  add(
    'move in a transaction, tracked, spatial grid (total)',
    'moveTracked',
    medianUs(() => tracked.world.transaction(tracked.move)),
  )

  const commit: number[] = []
  const rollback: number[] = []
  let updated = 0
  for (let run = 0; run < 260; run++) {
    let t1 = 0
    const { changes } = tracked.world.transaction(() => {
      tracked.move()
      t1 = performance.now()
    })
    const t2 = performance.now()
    if (run >= 60) commit.push((t2 - t1) * 1000)
    updated = changes.components.reduce((n, c) => n + c.updated.length, 0)
    let t3 = 0
    try {
      tracked.world.transaction(() => {
        tracked.move()
        t3 = performance.now()
        throw new Error('rollback')
      })
    } catch {
      if (run >= 60) rollback.push((performance.now() - t3) * 1000)
    }
  }
  add(`  of which change-set extraction (commit, ${updated} rows updated)`, 'changeSetExtraction', median(commit))
  add('rollback of that move (after the writes)', 'rollback', median(rollback))
  return { rows, us }
}
