import { describe, expect, it } from 'vitest'
import { filterToView, type HistoryEntry, HistoryRing } from './history-ring.js'

function entry(prevSeq: number, seq: number, tableIds: number[] = []): HistoryEntry {
  return {
    prevSeq,
    seq,
    tick: seq * 10,
    serverTime: 1_000 + seq,
    tables: tableIds.map((tableId) => ({ tableId, inserts: [], updates: [], deletes: [seq] })),
    events: [{ name: `e${seq}`, payload: seq }],
  }
}

describe('HistoryRing', () => {
  it('starts empty at its initial seq', () => {
    const ring = new HistoryRing(4, 9)
    expect(ring.size).toBe(0)
    expect(ring.oldestSeq).toBe(9)
    expect(ring.newestSeq).toBe(9)
    expect(ring.since(9)).toEqual([])
    expect(ring.since(8)).toBeNull()
  })

  it('returns the entries after a seq, oldest first', () => {
    const ring = new HistoryRing(8)
    ring.push(entry(0, 2))
    ring.push(entry(2, 3))
    ring.push(entry(3, 7))
    expect(ring.since(0)?.map((x) => x.seq)).toEqual([2, 3, 7])
    expect(ring.since(3)?.map((x) => x.seq)).toEqual([7])
    expect(ring.since(7)).toEqual([])
  })

  it('answers null for a seq that is not a flush boundary or lies in the future', () => {
    const ring = new HistoryRing(8)
    ring.push(entry(0, 2))
    ring.push(entry(2, 5))
    expect(ring.since(1)).toBeNull()
    expect(ring.since(4)).toBeNull()
    expect(ring.since(6)).toBeNull()
  })

  it('keeps at most capacity entries and forgets the oldest', () => {
    const ring = new HistoryRing(3)
    for (let seq = 1; seq <= 5; seq++) ring.push(entry(seq - 1, seq))
    expect(ring.size).toBe(3)
    expect(ring.oldestSeq).toBe(2)
    expect(ring.newestSeq).toBe(5)
    expect(ring.since(1)).toBeNull()
    expect(ring.since(2)?.map((x) => x.seq)).toEqual([3, 4, 5])
    expect(ring.since(4)?.map((x) => x.seq)).toEqual([5])
  })

  it('wraps around many times and stays contiguous', () => {
    const ring = new HistoryRing(4)
    for (let seq = 1; seq <= 103; seq++) ring.push(entry(seq - 1, seq))
    expect(ring.oldestSeq).toBe(99)
    expect(ring.since(99)?.map((x) => x.prevSeq)).toEqual([99, 100, 101, 102])
  })

  it('refuses an entry that does not continue the ring', () => {
    const ring = new HistoryRing(2)
    ring.push(entry(0, 1))
    expect(() => ring.push(entry(2, 3))).toThrow(RangeError)
    expect(() => ring.push(entry(1, 1))).toThrow(RangeError)
    expect(ring.newestSeq).toBe(1)
  })

  it('refuses a capacity below one', () => {
    expect(() => new HistoryRing(0)).toThrow(RangeError)
    expect(() => new HistoryRing(1.5)).toThrow(RangeError)
  })
})

describe('filterToView', () => {
  it('keeps only the tables of the view and every event', () => {
    const update = filterToView(entry(4, 6, [0, 1, 2]), new Set([0, 2]))
    expect(update).toEqual({
      type: 'TransactionUpdate',
      prevSeq: 4,
      seq: 6,
      tick: 60,
      serverTime: 1_006,
      tables: [
        { tableId: 0, inserts: [], updates: [], deletes: [6] },
        { tableId: 2, inserts: [], updates: [], deletes: [6] },
      ],
      events: [{ name: 'e6', payload: 6 }],
    })
  })

  it('gives a view without tables an update with no tables', () => {
    expect(filterToView(entry(0, 1, [0, 1]), new Set()).tables).toEqual([])
  })
})
