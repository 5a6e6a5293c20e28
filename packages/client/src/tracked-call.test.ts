import { type Connection, ConnectionError } from '@orrery/connection'
import type { ClientMessage, ServerMessage } from '@orrery/protocol'
import { describe, expect, it } from 'vitest'
import { ClientError } from './client-error.js'
import { trackedCall } from './tracked-call.js'

/** A connection whose requests get the next id and the answer `answer` gives for the message sent. */
function fakeConnection(answer: (message: ClientMessage) => Promise<ServerMessage>, firstId = 41): { connection: Connection; sent: ClientMessage[] } {
  const sent: ClientMessage[] = []
  let next = firstId
  const connection = {
    request(build: (requestId: number) => ClientMessage) {
      const message = build(next++)
      sent.push(message)
      return answer(message)
    },
  } as unknown as Connection
  return { connection, sent }
}

describe('trackedCall', () => {
  it('tells the requestId at once, sends the call with it, and resolves with the reducer’s value', async () => {
    const { connection, sent } = fakeConnection(async (m) => ({ type: 'ReducerResult', requestId: (m as { requestId: number }).requestId, ok: true, value: 7 }) as ServerMessage)
    const call = trackedCall({ connection }, 'updatePlayerInput', [1, 0])
    expect(call.requestId).toBe(41)
    expect(sent).toEqual([{ type: 'CallReducer', requestId: 41, reducer: 'updatePlayerInput', args: [1, 0] }])
    await expect(call.result).resolves.toBe(7)
    expect(trackedCall({ connection }, 'playerSplit', []).requestId).toBe(42)
  })

  it('rejects with the reducer’s error code when the call failed', async () => {
    const { connection } = fakeConnection(async (m) => ({ type: 'ReducerResult', requestId: (m as { requestId: number }).requestId, ok: false, code: 'ERR_REDUCER_FAILED', message: 'no player' }) as ServerMessage)
    const { result } = trackedCall({ connection }, 'playerSplit', [])
    await expect(result).rejects.toBeInstanceOf(ClientError)
    await expect(result).rejects.toMatchObject({ code: 'ERR_REDUCER_FAILED', remoteCode: 'ERR_REDUCER_FAILED' })
  })

  it('gives -1 and rejects with ERR_NOT_CONNECTED when the call could not be sent', async () => {
    const connection = { request: () => Promise.reject(new ConnectionError('ERR_NOT_CONNECTED', 'cannot send a request while reconnecting')) } as unknown as Connection
    const { requestId, result } = trackedCall({ connection }, 'playerSplit', [])
    expect(requestId).toBe(-1)
    await expect(result).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' })
  })
})
