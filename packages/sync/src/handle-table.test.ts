import type { Entity } from '@orrery/ecs'
import { describe, expect, it } from 'vitest'
import { HandleTable } from './handle-table.js'

describe('HandleTable', () => {
  it('releases a handle once when it is listed as maybe empty twice in one flush (bound, then its last row removed)', () => {
    // Whichever slot of the entity map the entity lands in, a released handle's entry must not be found again.
    for (let e = 1; e <= 2000; e++) {
      const table = new HandleTable(2, 0)
      const binds: number[] = []
      const h = table.bind(e as Entity, binds)
      table.addRow(h, 0)
      table.removeRow(h, 0)
      const releases: number[] = []
      table.releaseEmpty(releases)
      expect(releases).toEqual([h])
      expect(table.handleOf(e as Entity)).toBeUndefined()
      expect(table.size).toBe(0)
    }
  })
})
