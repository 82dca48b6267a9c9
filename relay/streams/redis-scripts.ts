/**
 * Lua scripts of the Redis stream store. Every step that reads a state and
 * then writes on it runs as one script, so two relay instances can never both
 * act on the same stale view (two claims, a write after a takeover).
 *
 * Every script takes the same four keys of one stream, which share a hash tag
 * so they would also live on one Redis Cluster slot:
 *   KEYS[1] meta   hash: state (running|finished), last (id), bytes, cancel (0|1)
 *   KEYS[2] log    stream: one entry per event, id `0-<event id>`, field `d`
 *   KEYS[3] lease  string: the producer's fencing token, expiring after leaseMs
 *   KEYS[4] seen   sorted set: who is reading, scored by when that stops counting (ms)
 * ARGV[1] is always the stream's pub/sub channel, which wakes readers and
 * carries cancels to the producer's instance.
 */

/** Redis' own clock, so instances with skewed clocks agree on the grace window. */
const PRELUDE = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function int(n) return string.format('%.0f', n) end
local function holds(token) return redis.call('GET', KEYS[3]) == token end
`

/**
 * ARGV: channel, token, leaseMs, liveTtlMs, graceMs. Returns 1 with the lease,
 * 0 when the key is known. A running stream whose producer died before it
 * logged anything is taken over: there is nothing to resume, so generating it
 * now is not generating it twice, and the dead producer is fenced off.
 */
const claim = `${PRELUDE}
local state = redis.call('HGET', KEYS[1], 'state')
if state and (state ~= 'running' or redis.call('EXISTS', KEYS[3]) == 1 or redis.call('HGET', KEYS[1], 'last') ~= '0') then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
redis.call('HSET', KEYS[1], 'state', 'running', 'last', '0', 'bytes', '0', 'cancel', '0')
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
-- Like a reader that just left: the client that asked is about to attach.
redis.call('ZADD', KEYS[4], int(now() + tonumber(ARGV[5])), '~claim')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
return 1
`

/**
 * ARGV: channel, token, leaseMs, liveTtlMs, maxBytes, then id, data pairs.
 * Checks everything before the first write: scripts are not rolled back.
 */
const append = `${PRELUDE}
if not holds(ARGV[2]) then return 'lease_lost' end
local previous = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
local added = 0
for i = 6, #ARGV, 2 do
  local id = tonumber(ARGV[i])
  if not id or id ~= math.floor(id) or id <= previous then return 'out_of_order' end
  previous = id
  added = added + #ARGV[i + 1]
end
if tonumber(redis.call('HGET', KEYS[1], 'bytes') or '0') + added > tonumber(ARGV[5]) then
  return 'too_large'
end
if #ARGV < 6 then return 'ok' end
for i = 6, #ARGV, 2 do
  redis.call('XADD', KEYS[2], '0-' .. ARGV[i], 'd', ARGV[i + 1])
end
redis.call('HSET', KEYS[1], 'last', ARGV[#ARGV - 1])
redis.call('HINCRBY', KEYS[1], 'bytes', int(added))
-- Writing proves the producer alive as well as a heartbeat does.
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
redis.call('PUBLISH', ARGV[1], 'a')
return 'ok'
`

/** ARGV: channel, token, ttlMs. The log stays replayable for the TTL; the lease and presence go now. */
const finish = `${PRELUDE}
if not holds(ARGV[2]) then return 'lease_lost' end
redis.call('HSET', KEYS[1], 'state', 'finished')
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[1], 'f')
return 'ok'
`

/** ARGV: channel, token. */
const discard = `${PRELUDE}
if not holds(ARGV[2]) then return 'lease_lost' end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
redis.call('PUBLISH', ARGV[1], 'f')
return 'ok'
`

/** ARGV: channel, token, leaseMs, liveTtlMs. Returns {held, attached, cancelled} as 0/1. */
const heartbeat = `${PRELUDE}
if not holds(ARGV[2]) then return {0, 0, 0} end
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', int(now()))
local attached = redis.call('ZCARD', KEYS[4]) > 0 and 1 or 0
local cancelled = redis.call('HGET', KEYS[1], 'cancel') == '1' and 1 or 0
return {1, attached, cancelled}
`

/**
 * ARGV: channel, member, forMs, liveTtlMs. Counts `member` (one store
 * instance) as reading for `forMs` more; each instance only touches its own
 * member, so one instance's reader leaving never hides another's.
 */
const presence = `${PRELUDE}
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('ZADD', KEYS[4], int(now() + tonumber(ARGV[3])), ARGV[2])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
return 1
`

/**
 * ARGV: channel, afterId, count. Returns {status, entries}; status is `gone`,
 * `running`, `finished`, or `lost` (running, but the lease lapsed). Entries
 * and status come from one moment, so a reader that sees `finished` has
 * already been given the last entry.
 */
const read = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'gone', {}} end
local entries = redis.call('XRANGE', KEYS[2], '(0-' .. ARGV[2], '+', 'COUNT', ARGV[3])
if state == 'running' and redis.call('EXISTS', KEYS[3]) == 0 then state = 'lost' end
return {state, entries}
`

/** ARGV: channel. A stream whose producer is gone has nothing left to stop. */
const cancel = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'unknown' end
if state ~= 'running' or redis.call('EXISTS', KEYS[3]) == 0 then return 'finished' end
redis.call('HSET', KEYS[1], 'cancel', '1')
redis.call('PUBLISH', ARGV[1], 'c')
return 'cancelled'
`

/** ARGV: channel, token. Gives up a lease at shutdown, so readers elsewhere learn at once. */
const release = `${PRELUDE}
if holds(ARGV[2]) then
  redis.call('DEL', KEYS[3])
  redis.call('PUBLISH', ARGV[1], 'l')
end
return 'ok'
`

/** The scripts by command name, in the shape of ioredis' `scripts` option. */
export const STREAM_SCRIPTS = {
  soriClaim: { lua: claim, numberOfKeys: 4 },
  soriAppend: { lua: append, numberOfKeys: 4 },
  soriFinish: { lua: finish, numberOfKeys: 4 },
  soriDiscard: { lua: discard, numberOfKeys: 4 },
  soriHeartbeat: { lua: heartbeat, numberOfKeys: 4 },
  soriPresence: { lua: presence, numberOfKeys: 4 },
  soriRead: { lua: read, numberOfKeys: 4 },
  soriCancel: { lua: cancel, numberOfKeys: 4 },
  soriRelease: { lua: release, numberOfKeys: 4 },
} as const

export type StreamScript = keyof typeof STREAM_SCRIPTS
