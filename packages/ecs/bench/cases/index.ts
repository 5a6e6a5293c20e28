/** Every measured case, by library and scenario. */
import * as bitecs03 from './bitecs-03.js'
import * as bitecs04 from './bitecs-04.js'
import { growthMove } from './growth.js'
import * as orrery from './orrery.js'
import * as orrerySnapshot from './orrery-snapshot.js'
import * as piecs from './piecs.js'

/** The libraries (and modes) a cell can measure. */
export const LIBS = [
  'bitecs-0.3',
  'bitecs-0.4',
  'piecs',
  'orrery',
  'bitecs-0.3-changed',
  'orrery-tracked',
  'orrery-snapshot',
] as const
/** One of {@link LIBS}. */
export type Lib = (typeof LIBS)[number]

/** The scenarios of the public suite. */
export const SCENARIOS = ['packed_5', 'simple_iter', 'frag_iter', 'entity_cycle', 'add_remove'] as const

/** The entity counts the public suite uses (src/bench.js). */
const COUNTS: Record<string, number> = {
  packed_5: 1000,
  simple_iter: 1000,
  frag_iter: 100,
  entity_cycle: 1000,
  add_remove: 1000,
}

interface Cases {
  packed5(count: number): () => void
  simpleIter(count: number): () => void
  fragIter(count: number): () => void
  entityCycle(count: number): () => void
  addRemove(count: number): () => void
}

const orreryWith = (tracked: boolean): Cases => ({
  packed5: (n) => orrery.packed5(n, tracked),
  simpleIter: (n) => orrery.simpleIter(n, tracked),
  fragIter: (n) => orrery.fragIter(n, tracked),
  entityCycle: (n) => orrery.entityCycle(n, tracked),
  addRemove: (n) => orrery.addRemove(n, tracked),
})

const bitecs03With = (changes: boolean): Cases => ({
  packed5: (n) => bitecs03.packed5(n, changes),
  simpleIter: (n) => bitecs03.simpleIter(n, changes),
  fragIter: (n) => bitecs03.fragIter(n, changes),
  entityCycle: (n) => bitecs03.entityCycle(n, changes),
  addRemove: (n) => bitecs03.addRemove(n, changes),
})

function casesOf(lib: Lib): Cases {
  switch (lib) {
    case 'bitecs-0.3':
      return bitecs03With(false)
    case 'bitecs-0.3-changed':
      return bitecs03With(true)
    case 'bitecs-0.4':
      return { ...bitecs04, packed5: (n) => bitecs04.packed5(n, 'double') }
    case 'piecs':
      return piecs
    case 'orrery':
      return orreryWith(false)
    case 'orrery-tracked':
      return orreryWith(true)
    case 'orrery-snapshot':
      throw new Error('orrery-snapshot has its own cases')
  }
}

/** The scenarios `orrery-snapshot` (systems that look up `query.snapshot()` themselves) has. */
export const SNAPSHOT_SCENARIOS = ['simple_iter', 'frag_iter'] as const

/**
 * One operation of `scenario` for `lib`, set up and ready to be called in a loop. Besides the
 * suite's scenarios: `growth_before` / `growth_after` (Orrery only, see growth.ts).
 */
export function makeCase(lib: Lib, scenario: string): () => void {
  if (scenario === 'growth_before') return growthMove(true)
  if (scenario === 'growth_after') return growthMove(false)
  if (lib === 'orrery-snapshot') {
    if (scenario === 'simple_iter') return orrerySnapshot.simpleIter(COUNTS.simple_iter as number)
    if (scenario === 'frag_iter') return orrerySnapshot.fragIter(COUNTS.frag_iter as number)
    throw new Error(`unknown case ${lib} ${scenario}`)
  }
  const count = COUNTS[scenario]
  if (count === undefined || !LIBS.includes(lib)) throw new Error(`unknown case ${lib} ${scenario}`)
  const cases = casesOf(lib)
  if (scenario === 'packed_5') return cases.packed5(count)
  if (scenario === 'simple_iter') return cases.simpleIter(count)
  if (scenario === 'frag_iter') return cases.fragIter(count)
  if (scenario === 'entity_cycle') return cases.entityCycle(count)
  return cases.addRemove(count)
}
