// The registry's Lua scripts. Each runs atomically in Redis, which is what makes seat reservation and
// placement safe under concurrent calls from many processes. Every script gets the key prefix as ARGV[1] and
// reads time from Redis (TIME), so the processes' clocks do not matter. Keys (P = prefix):
//   P..'procs'        zset  process id -> heartbeat expiry (ms)
//   P..'p:'..pid      hash  address, clients, tickMs            (TTL: process TTL)
//   P..'p:'..pid..':w' set  ids of the worlds placed on pid     (TTL: world TTL)
//   P..'k:'..kind     zset  world id -> creation time           (TTL: world TTL)
//   P..'w:'..id       hash  kind, seats, durable, metadata, process (TTL: world TTL)
//   P..'w:'..id..':r' zset  ticket -> reservation expiry (ms)   (TTL: world TTL or reservation TTL)
//   P..'w:'..id..':o' set   occupant tickets                    (TTL: world TTL)

const COMMON = `
local P = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function taken(id, now)
  local r = P..'w:'..id..':r'
  redis.call('ZREMRANGEBYSCORE', r, '-inf', now)
  return redis.call('ZCARD', r) + redis.call('SCARD', P..'w:'..id..':o')
end
local function matches(meta, filters)
  for k, v in pairs(filters) do
    if meta[k] ~= v then return false end
  end
  return true
end
local function least_loaded(now, tickWeight, worldWeight)
  local ids = redis.call('ZRANGEBYSCORE', P..'procs', '('..now, '+inf')
  local best, bestLoad = nil, nil
  for _, pid in ipairs(ids) do
    local h = redis.call('HMGET', P..'p:'..pid, 'clients', 'tickMs')
    if h[1] then
      local load = tonumber(h[1]) + tonumber(h[2]) * tickWeight + redis.call('SCARD', P..'p:'..pid..':w') * worldWeight
      if bestLoad == nil or load < bestLoad then best, bestLoad = pid, load end
    end
  end
  return best
end
local function touch_world(id, kind, worldTtl)
  for _, suffix in ipairs({'', ':o'}) do redis.call('PEXPIRE', P..'w:'..id..suffix, worldTtl) end
  local r = P..'w:'..id..':r'
  if redis.call('PTTL', r) < worldTtl then redis.call('PEXPIRE', r, worldTtl) end
  redis.call('PEXPIRE', P..'k:'..kind, worldTtl)
end
local function reserve(id, now, ticket, ttl)
  local r = P..'w:'..id..':r'
  redis.call('ZADD', r, now + ttl, ticket)
  if redis.call('PTTL', r) < ttl then redis.call('PEXPIRE', r, ttl) end
end
local function place(id, kind, seats, durable, metadata, pid, now, worldTtl)
  redis.call('HSET', P..'w:'..id, 'kind', kind, 'seats', seats, 'durable', durable, 'metadata', metadata, 'process', pid)
  redis.call('ZADD', P..'k:'..kind, 'NX', now, id)
  redis.call('SADD', P..'p:'..pid..':w', id)
  redis.call('PEXPIRE', P..'p:'..pid..':w', worldTtl)
  touch_world(id, kind, worldTtl)
end
local function drop_world(id, kind)
  redis.call('DEL', P..'w:'..id, P..'w:'..id..':r', P..'w:'..id..':o')
  if kind then redis.call('ZREM', P..'k:'..kind, id) end
end
`

/** ARGV: P, kind, filters JSON, ticket, reservation TTL, new id, seats, durable, metadata JSON, world TTL, tick weight, world weight. */
export const JOIN_OR_CREATE = `${COMMON}
local kind, filters, ticket, ttl = ARGV[2], cjson.decode(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local worldTtl = tonumber(ARGV[10])
local now = now_ms()
local kindKey = P..'k:'..kind
for _, id in ipairs(redis.call('ZRANGE', kindKey, 0, -1)) do
  local w = redis.call('HMGET', P..'w:'..id, 'seats', 'metadata', 'process')
  if not w[1] then
    redis.call('ZREM', kindKey, id)
  elseif matches(cjson.decode(w[2]), filters) and taken(id, now) < tonumber(w[1]) then
    reserve(id, now, ticket, ttl)
    return {id, w[3], redis.call('HGET', P..'p:'..w[3], 'address') or '', now + ttl, 0}
  end
end
local pid = least_loaded(now, tonumber(ARGV[11]), tonumber(ARGV[12]))
if not pid then return {'', '', '', 0, -1} end
local id = ARGV[6]
place(id, kind, ARGV[7], ARGV[8], ARGV[9], pid, now, worldTtl)
reserve(id, now, ticket, ttl)
return {id, pid, redis.call('HGET', P..'p:'..pid, 'address') or '', now + ttl, 1}
`

/** ARGV: P, world id, ticket, reservation TTL. Returns {kind, process, address, expiresAt} or {status} (-1 unknown, 0 full). */
export const RESERVE = `${COMMON}
local id, ticket, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local w = redis.call('HMGET', P..'w:'..id, 'seats', 'kind', 'process')
if not w[1] then return {-1} end
if taken(id, now) >= tonumber(w[1]) then return {0} end
reserve(id, now, ticket, ttl)
return {w[2], w[3], redis.call('HGET', P..'p:'..w[3], 'address') or '', now + ttl}
`

/** ARGV: P, world id, ticket, allow direct ('1'/'0'), world TTL. Returns 1 reserved, 2 seated, 3 direct, 0 full, -1 unknown. */
export const CONSUME = `${COMMON}
local id, ticket = ARGV[2], ARGV[3]
local now = now_ms()
local w = redis.call('HMGET', P..'w:'..id, 'seats', 'kind')
if not w[1] then return -1 end
local o = P..'w:'..id..':o'
if redis.call('SISMEMBER', o, ticket) == 1 then return 2 end
local r = P..'w:'..id..':r'
local expiry = redis.call('ZSCORE', r, ticket)
if expiry then
  redis.call('ZREM', r, ticket)
  if tonumber(expiry) > now then
    redis.call('SADD', o, ticket)
    touch_world(id, w[2], tonumber(ARGV[5]))
    return 1
  end
end
if ARGV[4] ~= '1' or taken(id, now) >= tonumber(w[1]) then return 0 end
redis.call('SADD', o, ticket)
touch_world(id, w[2], tonumber(ARGV[5]))
return 3
`

/** ARGV: P, pid, address, clients, tickMs, process TTL, world TTL. Returns {existed, world ids...}. */
export const HEARTBEAT = `${COMMON}
local pid, ttl, worldTtl = ARGV[2], tonumber(ARGV[6]), tonumber(ARGV[7])
local now = now_ms()
local pkey = P..'p:'..pid
local existed = redis.call('EXISTS', pkey)
if existed == 1 and redis.call('HGET', pkey, 'gone') == '1' then return {-1} end
redis.call('HSET', pkey, 'address', ARGV[3], 'clients', ARGV[4], 'tickMs', ARGV[5])
redis.call('PEXPIRE', pkey, ttl)
redis.call('ZADD', P..'procs', now + ttl, pid)
redis.call('PEXPIRE', P..'procs', worldTtl)
local out = {existed}
local wkey = pkey..':w'
for _, id in ipairs(redis.call('SMEMBERS', wkey)) do
  local w = redis.call('HMGET', P..'w:'..id, 'process', 'kind')
  if w[1] == pid then
    touch_world(id, w[2], worldTtl)
    table.insert(out, id)
  else
    redis.call('SREM', wkey, id)
  end
end
redis.call('PEXPIRE', wkey, worldTtl)
return out
`

/** ARGV: P, id, kind, seats, durable, metadata, pid, world TTL, occupants JSON. Returns 1 placed, 0 held by a live process. */
export const REGISTER_WORLD = `${COMMON}
local id, kind, pid = ARGV[2], ARGV[3], ARGV[7]
local now = now_ms()
local current = redis.call('HGET', P..'w:'..id, 'process')
if current and current ~= pid then
  local expiry = redis.call('ZSCORE', P..'procs', current)
  if expiry and tonumber(expiry) > now then return 0 end
  redis.call('SREM', P..'p:'..current..':w', id)
end
place(id, kind, ARGV[4], ARGV[5], ARGV[6], pid, now, tonumber(ARGV[8]))
local occupants = cjson.decode(ARGV[9])
if #occupants > 0 then redis.call('SADD', P..'w:'..id..':o', unpack(occupants)) end
touch_world(id, kind, tonumber(ARGV[8]))
return 1
`

/** ARGV: P, id, pid. Removes the world when pid holds it. */
export const REMOVE_WORLD = `${COMMON}
local id, pid = ARGV[2], ARGV[3]
local w = redis.call('HMGET', P..'w:'..id, 'process', 'kind')
redis.call('SREM', P..'p:'..pid..':w', id)
if w[1] == pid then drop_world(id, w[2]) end
return 1
`

/** ARGV: P, world TTL, tick weight, world weight. Returns {id, kind, pid, ...} of moved worlds. */
export const SWEEP = `${COMMON}
local worldTtl = tonumber(ARGV[2])
local now = now_ms()
local moved = {}
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', P..'procs', '-inf', now)) do
  local wkey = P..'p:'..dead..':w'
  local left = 0
  for _, id in ipairs(redis.call('SMEMBERS', wkey)) do
    local w = redis.call('HMGET', P..'w:'..id, 'process', 'kind', 'durable')
    if w[1] ~= dead then
      redis.call('SREM', wkey, id)
    elseif w[3] == '1' then
      local target = least_loaded(now, tonumber(ARGV[3]), tonumber(ARGV[4]))
      if target then
        redis.call('HSET', P..'w:'..id, 'process', target)
        redis.call('DEL', P..'w:'..id..':r')
        redis.call('SADD', P..'p:'..target..':w', id)
        redis.call('PEXPIRE', P..'p:'..target..':w', worldTtl)
        redis.call('SREM', wkey, id)
        touch_world(id, w[2], worldTtl)
        table.insert(moved, id)
        table.insert(moved, w[2])
        table.insert(moved, target)
      else
        left = left + 1
      end
    else
      drop_world(id, w[2])
      redis.call('SREM', wkey, id)
    end
  end
  if left == 0 then
    redis.call('ZREM', P..'procs', dead)
    redis.call('DEL', P..'p:'..dead, wkey)
  end
end
return moved
`

/** ARGV: P, pid. Drops the process's non-durable worlds and marks it dead, so that a sweep moves its durable ones. */
export const DISPOSE = `${COMMON}
local pid = ARGV[2]
local wkey = P..'p:'..pid..':w'
local durable = 0
for _, id in ipairs(redis.call('SMEMBERS', wkey)) do
  local w = redis.call('HMGET', P..'w:'..id, 'process', 'kind', 'durable')
  if w[1] == pid and w[3] == '1' then
    durable = durable + 1
  else
    if w[1] == pid then drop_world(id, w[2]) end
    redis.call('SREM', wkey, id)
  end
end
if durable == 0 then
  redis.call('ZREM', P..'procs', pid)
  redis.call('DEL', P..'p:'..pid, wkey)
else
  redis.call('ZADD', P..'procs', 0, pid)
  redis.call('HSET', P..'p:'..pid, 'gone', '1')
end
return durable
`
