import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defineComponent } from './component.js'
import type { Entity } from './entity.js'
import { createWorld } from './world.js'

const Body = defineComponent('Body', { x: 'f64', y: 'f64', cell: 'i32' }, { spatial: { x: 'x', y: 'y', cellSize: 10 } })
const Velocity = defineComponent('Velocity', { x: 'f32', y: 'f64' })

describe('accessors created before the world grows', () => {
  it('read and write the same rows as the checked API through growth, rollback and recycling', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.record({ grow: fc.integer({ min: 0, max: 300 }), kill: fc.nat(), value: fc.integer({ min: -1e6, max: 1e6 }), fail: fc.boolean() }), {
          minLength: 1,
          maxLength: 6,
        }),
        (tracked, steps) => {
          const w = createWorld({ trackChanges: tracked, initialCapacity: 64 })
          const run = <T>(fn: () => T): T => (tracked ? w.transaction(fn).result : fn())
          // Created while the world holds 64 entity indexes.
          const x = w.field(Body, 'x')
          const cell = w.field(Body, 'cell')
          const vy = w.field(Velocity, 'y')
          const alive: Entity[] = []
          for (const step of steps) {
            run(() => {
              for (let i = 0; i < step.grow; i++) {
                const e = w.create()
                w.add(e, Body, { x: i, y: -i, cell: i })
                w.add(e, Velocity, { y: i / 2 })
                alive.push(e)
              }
              if (alive.length > 0) w.destroy(alive.splice(step.kill % alive.length, 1)[0] as Entity)
            })
            const before = alive.map((e) => [x.get(e), cell.get(e), vy.get(e)])
            const write = (): void => {
              for (const e of alive) {
                x.set(e, step.value)
                cell.set(e, cell.get(e) + 1)
                vy.set(e, vy.get(e) - step.value)
              }
              if (step.fail) throw new Error('undo')
            }
            if (step.fail) {
              // An untracked world rolls back inside a transaction too.
              expect(() => w.transaction(write)).toThrow('undo')
              expect(alive.map((e) => [x.get(e), cell.get(e), vy.get(e)])).toEqual(before)
            } else {
              run(write)
            }
            for (const e of alive) {
              expect(x.get(e)).toBe(w.read(e, Body, 'x'))
              expect(cell.get(e)).toBe(w.read(e, Body, 'cell'))
              expect(vy.get(e)).toBe(w.read(e, Velocity, 'y'))
            }
            // The grid follows writes made through an accessor created before the growth.
            for (const e of alive.slice(0, 5)) {
              const ex = w.read(e, Body, 'x')
              const ey = w.read(e, Body, 'y')
              expect(w.queryRadius(Body, ex, ey, 0.5)).toContain(e)
            }
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('are the same objects after growth and see new rows', () => {
    const w = createWorld({ trackChanges: false, initialCapacity: 64 })
    const x = w.field(Body, 'x')
    const es = Array.from({ length: 5000 }, (_, i) => {
      const e = w.create()
      w.add(e, Body, { x: i })
      return e
    })
    expect(w.field(Body, 'x')).toBe(x)
    expect(x.get(es[4999] as Entity)).toBe(4999)
    x.set(es[4321] as Entity, -7)
    expect(w.read(es[4321] as Entity, Body, 'x')).toBe(-7)
  })
})
