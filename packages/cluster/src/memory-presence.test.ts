import { expect, it } from 'vitest'
import { createMemoryPresence } from './memory-presence.js'

it('memory presence: keys with TTLs on its clock, pub/sub to every subscriber, close ends it', async () => {
  let now = 0
  const presence = createMemoryPresence({ now: () => now })
  await presence.set('a', '1', { ttlMs: 100 })
  await presence.set('b', '2')
  now = 99
  expect(await presence.get('a')).toBe('1')
  now = 100
  expect(await presence.get('a')).toBeNull()
  expect(await presence.delete('b')).toBe(true)
  const got: string[] = []
  const off1 = await presence.subscribe('c', (m) => got.push(`1:${m}`))
  await presence.subscribe('c', (m) => got.push(`2:${m}`))
  expect(await presence.publish('c', 'x')).toBe(2)
  await off1()
  expect(await presence.publish('c', 'y')).toBe(1)
  expect(got).toEqual(['1:x', '2:x', '2:y'])
  await presence.close()
  await expect(presence.get('b')).rejects.toMatchObject({ code: 'ERR_CLOSED' })
})
