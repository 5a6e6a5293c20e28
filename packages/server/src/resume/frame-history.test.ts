import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FrameHistory } from './frame-history.js'
import { RecentRequests } from './recent-requests.js'

describe('FrameHistory', () => {
  it('holds the newest frames within its byte cap, numbered in order, and replays exactly those after a count', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 200 }), fc.integer({ min: 1, max: 300 }), (sizes, cap) => {
        const budget = { total: 0, maxBytes: Number.MAX_SAFE_INTEGER }
        const history = new FrameHistory(cap, budget)
        sizes.forEach((size, i) => {
          expect(history.push(new Uint8Array(size).fill(i % 256))).toBe(i + 1)
        })
        expect(history.last).toBe(sizes.length)
        expect(history.size).toBeLessThanOrEqual(cap)
        expect(budget.total).toBe(history.size)
        // Everything after `first - 1` is held, and nothing before.
        for (let received = 0; received <= sizes.length; received++) {
          const reaches = history.reaches(received)
          expect(reaches).toBe(received >= history.first - 1)
          if (reaches) expect(history.after(received).map((f) => f[0])).toEqual(sizes.slice(received).map((_, k) => (received + k) % 256))
        }
        expect(history.reaches(sizes.length + 1)).toBe(false)
        history.clear()
        expect(budget.total).toBe(0)
      }),
    )
  })

  it('trims the writing history when the shared budget is full', () => {
    const budget = { total: 0, maxBytes: 100 }
    const a = new FrameHistory(1000, budget)
    const b = new FrameHistory(1000, budget)
    for (let i = 0; i < 8; i++) a.push(new Uint8Array(10))
    for (let i = 0; i < 4; i++) b.push(new Uint8Array(10))
    expect(budget.total).toBe(100)
    expect(a.size).toBe(80)
    expect(b.size).toBe(20)
    expect(b.first).toBe(3)
  })
})

describe('RecentRequests', () => {
  it('recognises a requestId seen among the last `capacity` ones', () => {
    const recent = new RecentRequests(3)
    expect([1, 2, 3].map((id) => recent.add(id))).toEqual([true, true, true])
    expect(recent.add(2)).toBe(false)
    expect(recent.add(4)).toBe(true)
    expect(recent.add(1)).toBe(true)
    expect(recent.add(4)).toBe(false)
  })
})

describe('FrameHistory.load and RecentRequests.ids', () => {
  it('a history loaded from another one holds the same frames under the same numbers', () => {
    const budget = { total: 0, maxBytes: 1000 }
    const a = new FrameHistory(50, budget)
    for (let i = 0; i < 9; i++) a.push(new Uint8Array(10).fill(i))
    const b = new FrameHistory(50, { total: 0, maxBytes: 1000 })
    b.load(a.held(), a.last)
    expect([b.first, b.last, b.size]).toEqual([a.first, a.last, a.size])
    expect(b.after(6).map((f) => f[0])).toEqual([6, 7, 8])
    const small = new FrameHistory(20, { total: 0, maxBytes: 1000 })
    small.load(a.held(), a.last)
    expect([small.first, small.last]).toEqual([8, 9])
  })

  it('the ids of recent requests, added to a new instance, are recognised the same way', () => {
    const recent = new RecentRequests(3)
    for (const id of [1, 2, 3, 4]) recent.add(id)
    expect(recent.ids()).toEqual([2, 3, 4])
    const copy = new RecentRequests(3)
    for (const id of recent.ids()) copy.add(id)
    expect(copy.add(2)).toBe(false)
    expect(copy.add(1)).toBe(true)
  })
})
