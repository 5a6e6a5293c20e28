export type { RedisServer, RedisServerOptions } from './redis-server.js'
export { redisServerMissing, startRedisServer } from './redis-server.js'
