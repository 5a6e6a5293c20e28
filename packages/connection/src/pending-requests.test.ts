import type { ServerMessage } from '@orrery/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ConnectionError } from './connection-error.js'
import { PendingRequests } from './pending-requests.js'

const pong: ServerMessage = { type: 'Pong', clientTime: 1, serverTime: 2 }

describe('PendingRequests', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('resolves, rejects and times out by id', () => {
    const table = new PendingRequests()
    const results: string[] = []
    const track = (name: string) => [(m: ServerMessage) => results.push(`${name}:${m.type}`), (e: ConnectionError) => results.push(`${name}:${e.code}`)] as const
    table.add(1, 100, ...track('a'))
    table.add(2, 100, ...track('b'))
    table.add(3, 50, ...track('c'))
    expect(table.resolve(1, pong)).toBe(true)
    expect(table.resolve(1, pong)).toBe(false)
    expect(table.reject(2, new ConnectionError('ERR_REMOTE', 'x'))).toBe(true)
    vi.advanceTimersByTime(50)
    expect(results).toEqual(['a:Pong', 'b:ERR_REMOTE', 'c:ERR_TIMEOUT'])
    expect(table.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects everything at once and clears the timers', () => {
    const table = new PendingRequests()
    const codes: string[] = []
    for (const id of [1, 2, 3]) table.add(id, 1000, () => undefined, (e) => codes.push(e.code))
    table.rejectAll(() => new ConnectionError('ERR_DISCONNECTED', 'gone'))
    expect(codes).toEqual(['ERR_DISCONNECTED', 'ERR_DISCONNECTED', 'ERR_DISCONNECTED'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('allocates u32 ids, wrapping and skipping ids in flight', () => {
    const table = new PendingRequests()
    expect(table.allocate()).toBe(1)
    table.add(2, 1000, () => undefined, () => undefined)
    expect(table.allocate()).toBe(3)
    const internal = table as unknown as { next: number }
    internal.next = 2 ** 32 - 1
    expect(table.allocate()).toBe(2 ** 32 - 1)
    expect(table.allocate()).toBe(0)
    table.rejectAll(() => new ConnectionError('ERR_CLOSED', 'x'))
  })
})
