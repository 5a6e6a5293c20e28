/**
 * `simple_iter` and `frag_iter` for @orrery/ecs (untracked) with each system written as
 * `() => { const ents = query.snapshot(); for (...) }` instead of `query.system((ents) => ...)`:
 * the same loops, with the snapshot looked up inside the system. On Node 20 such a system can stay
 * on its on-stack-replacement code (see the README); this row shows how often and what it costs.
 */
import type { Entity } from '../../src/index.js'
import { fragIterWorld, simpleIterWorld } from './orrery.js'

function pipeline(systems: readonly (() => void)[]): () => void {
  return () => {
    for (let s = 0; s < systems.length; s++) (systems[s] as () => void)()
  }
}

export function simpleIter(count: number): () => void {
  const { world, A, B, C, D, E, a, b, c, d, e } = simpleIterWorld(count, false)
  const queryAB = world.query([A, B])
  const systemAB = (): void => {
    const ents = queryAB.snapshot()
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as Entity
      const x = a.get(eid)
      a.set(eid, b.get(eid))
      b.set(eid, x)
    }
  }
  const queryCD = world.query([C, D])
  const systemCD = (): void => {
    const ents = queryCD.snapshot()
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as Entity
      const x = c.get(eid)
      c.set(eid, d.get(eid))
      d.set(eid, x)
    }
  }
  const queryCE = world.query([C, E])
  const systemCE = (): void => {
    const ents = queryCE.snapshot()
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as Entity
      const x = c.get(eid)
      c.set(eid, e.get(eid))
      e.set(eid, x)
    }
  }
  return pipeline([systemAB, systemCD, systemCE])
}

export function fragIter(count: number): () => void {
  const { world, Data, Z } = fragIterWorld(count, false)
  const dataQuery = world.query([Data])
  const data = world.field(Data, 'value')
  const dataSystem = (): void => {
    const ents = dataQuery.snapshot()
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      data.set(e, data.get(e) * 2)
    }
  }
  const zQuery = world.query([Z])
  const z = world.field(Z, 'value')
  const zSystem = (): void => {
    const ents = zQuery.snapshot()
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      z.set(e, z.get(e) * 2)
    }
  }
  return pipeline([dataSystem, zSystem])
}
