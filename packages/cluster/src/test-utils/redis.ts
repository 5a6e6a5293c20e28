import { type RedisServer, redisServerMissing, startRedisServer } from '@orrery/tooling-redis'
import { afterAll, beforeAll, describe } from 'vitest'

const inCi = Boolean(process.env.CI) && process.env.CI !== 'false'
const missing = redisServerMissing()

/**
 * A describe block with a throwaway redis-server started before its tests and stopped after. Without
 * redis-server it is skipped with a message saying why, except with CI set, where it fails instead.
 */
export function describeWithRedis(name: string, body: (redis: () => RedisServer) => void): void {
  if (missing !== null && !inCi) {
    process.stderr.write(`[cluster tests] skipping "${name}": ${missing}\n`)
    describe.skip(name, () => body(() => undefined as never))
    return
  }
  describe(name, () => {
    let server: RedisServer | undefined
    beforeAll(async () => {
      server = await startRedisServer()
    })
    afterAll(async () => {
      await server?.stop()
    })
    body(() => {
      if (server === undefined) throw new Error('redis-server did not start')
      return server
    })
  })
}
