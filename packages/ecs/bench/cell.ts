/**
 * One cell of `pnpm bench:ecs`, run in its own fresh Node process:
 * `node cell.js <lib> <scenario> [cycleMs] [timedMs]` sets the case up, measures it the way the
 * public ecs-benchmark suite does and prints one JSON line `{"hz": ops/s, "cpuHz": ops/s}` (wall
 * clock and CPU time, see `suiteHz`).
 * `node cell.js costs` prints Orrery's own transaction costs instead.
 */
import { type Lib, makeCase } from './cases/index.js'
import { suiteHz } from './measure.js'
import { orreryCosts } from './orrery-costs.js'

const [lib, scenario, cycleArg, timedArg] = process.argv.slice(2)
if (lib === 'costs') {
  process.stdout.write(`${JSON.stringify(orreryCosts())}\n`)
} else {
  const fn = makeCase(lib as Lib, scenario ?? '')
  process.stdout.write(`${JSON.stringify(suiteHz(fn, Number(cycleArg ?? 500), Number(timedArg ?? 500)))}\n`)
}
