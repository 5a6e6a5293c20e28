import { describe, expect, it } from 'vitest'
import { ClientSubscriptions } from './client-subscriptions.js'
import { SyncError } from './sync-error.js'

function serveAll(client: ClientSubscriptions): string[] {
  return client.takePending().map((request) => {
    client.serve(request)
    return `${request.kind}:${request.queryId}`
  })
}

describe('ClientSubscriptions', () => {
  it('changes the view only when requests are served, in request order', () => {
    const client = new ClientSubscriptions(() => {}, 4)
    client.requestSubscribe(1, 10, [2, 0])
    client.requestSubscribe(2, 11, [0, 1])
    expect(client.viewKey).toBe('')
    expect(client.hasPending).toBe(true)
    expect(serveAll(client)).toEqual(['subscribe:10', 'subscribe:11'])
    expect(client.hasPending).toBe(false)
    expect(client.viewKey).toBe('0,1,2')
    expect([...client.view].sort()).toEqual([0, 1, 2])
    client.requestUnsubscribe(3, 10)
    serveAll(client)
    expect(client.viewKey).toBe('0,1')
  })

  it('gives the same key to the same set of tables whatever the order', () => {
    const a = new ClientSubscriptions(() => {}, 4)
    const b = new ClientSubscriptions(() => {}, 4)
    a.requestSubscribe(1, 1, [3, 1])
    b.requestSubscribe(1, 5, [1])
    b.requestSubscribe(2, 6, [3, 1])
    serveAll(a)
    serveAll(b)
    expect(a.viewKey).toBe(b.viewKey)
  })

  it('replaces a subscription with the same queryId', () => {
    const client = new ClientSubscriptions(() => {}, 1)
    client.requestSubscribe(1, 7, [0])
    client.requestSubscribe(2, 7, [4])
    serveAll(client)
    expect(client.viewKey).toBe('4')
  })

  it('counts unserved subscriptions toward the limit and frees a slot on unsubscribe', () => {
    const client = new ClientSubscriptions(() => {}, 2)
    client.requestSubscribe(1, 1, [0])
    client.requestSubscribe(2, 2, [0])
    const error = (() => {
      try {
        client.requestSubscribe(3, 3, [0])
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(SyncError)
    expect((error as SyncError).code).toBe('ERR_TOO_MANY_SUBSCRIPTIONS')
    client.requestUnsubscribe(4, 1)
    client.requestSubscribe(5, 3, [1])
    expect(serveAll(client)).toEqual(['subscribe:1', 'subscribe:2', 'unsubscribe:1', 'subscribe:3'])
    expect(client.viewKey).toBe('0,1')
  })
})
