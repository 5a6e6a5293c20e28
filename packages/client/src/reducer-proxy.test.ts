import type { ReducerResult } from '@orrery/protocol'
import { describe, expect, it } from 'vitest'
import { ClientError } from './client-error.js'
import { createReducers } from './reducer-proxy.js'

const schemas = { move: { dirX: 'f64', dirY: 'f64' }, ping: {} } as const

function transportReturning(result: { ok: true; value: unknown } | { ok: false; code: string; message: string }) {
  const calls: [string, unknown[]][] = []
  const transport = async (reducer: string, args: unknown[]) => {
    calls.push([reducer, args])
    return { type: 'ReducerResult', requestId: 1, ...result } as ReducerResult
  }
  return { calls, transport }
}

describe('createReducers', () => {
  it('sends positional arguments in schema order and resolves with the value', async () => {
    const { calls, transport } = transportReturning({ ok: true, value: 42 })
    const reducers = createReducers(schemas, transport)
    await expect(reducers.move({ dirY: 2, dirX: 1 })).resolves.toBe(42)
    await expect(reducers.ping()).resolves.toBe(42)
    expect(calls).toEqual([
      ['move', [1, 2]],
      ['ping', []],
    ])
  })

  it('rejects invalid arguments locally with ERR_INVALID_ARGUMENTS and sends nothing', async () => {
    const { calls, transport } = transportReturning({ ok: true, value: null })
    const reducers = createReducers(schemas, transport)
    const error = await reducers.move({ dirX: 'x' as never, dirY: 1 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClientError)
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENTS', remoteCode: undefined })
    expect(calls).toEqual([])
  })

  it.each([
    ['ERR_REDUCER_FAILED', 'ERR_REDUCER_FAILED'],
    ['ERR_UNKNOWN_REDUCER', 'ERR_UNKNOWN_REDUCER'],
    ['ERR_INVALID_ARGUMENTS', 'ERR_INVALID_ARGUMENTS'],
    ['ERR_RATE_LIMITED', 'ERR_REMOTE'],
  ])('maps a failed result %s to ClientError %s with remoteCode and message', async (remote, local) => {
    const { transport } = transportReturning({ ok: false, code: remote, message: 'server said no' })
    const reducers = createReducers(schemas, transport)
    await expect(reducers.move({ dirX: 0, dirY: 0 })).rejects.toMatchObject({ code: local, remoteCode: remote, message: 'server said no' })
  })
})
