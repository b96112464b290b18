-- Shared by every script of one queue (RedisScripts puts it in front of each). All keys
-- of a queue carry its hash tag, so a script touches one cluster slot.
--
-- KEYS:  1 meta (hash: gen capacity lease attempts dlq dlqto closed purging paused)
--        2 ready (list of job ids, head first)   3 delayed (zset id -> due ms)
--        4 leases (zset lease -> expiry ms)      5 leased (hash lease -> id)
--        6 payloads (hash id -> bytes)           7 attempts (hash id -> deliveries)
--        8 enqueued (hash id -> ms)              9 origins (hash id -> "queue\nreason\nattempts")
--       10 idem (hash key -> "id\nms")          11 idemexp (zset key -> expiry ms)
--       12 outbox (list of ids leaving for the dead-letter queue)
--       13 outmeta (hash id -> "target\nreason\nattempts")
--       14 holders (hash id -> lease: who holds a leased job, for looking a job up)
-- ARGV:  1 now (ms, the caller's clock)  2 the queue's generation ('' = any)
--        3 the wake channel  4 the calling replica's id  5.. the operation's own arguments
--
-- Every reply is {status, state, ...}; state = {ready, delayed, inflight, closed, purging,
-- capacity, outbox, expired, dead-lettered max-attempts, dead-lettered purged, next due ms
-- or -1, changed, paused}. A script publishes the calling replica's id on the wake channel when it
-- changed what a parked put, take or join elsewhere could get.
local META, READY, DELAYED, LEASES, LEASED = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local PAYLOADS, ATTEMPTS, ENQUEUED, ORIGINS = KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local IDEM, IDEMEXP, OUTBOX, OUTMETA, HOLDERS = KEYS[10], KEYS[11], KEYS[12], KEYS[13], KEYS[14]
local now = tonumber(ARGV[1])
local gen = ARGV[2]
local channel = ARGV[3]
local caller = ARGV[4]
local tally = { expired = 0, max = 0, purged = 0 }
local changed = false

-- The queue's settings, or nil if it does not exist (deleted, or another generation).
local function load()
  local m = redis.call('HMGET', META, 'gen', 'capacity', 'lease', 'attempts', 'dlq', 'dlqto', 'closed', 'purging',
    'paused')
  if not m[1] or (gen ~= '' and m[1] ~= gen) then
    return nil
  end
  return { gen = m[1], capacity = tonumber(m[2]), lease = tonumber(m[3]), attempts = tonumber(m[4]),
    dlq = m[5], dlqto = m[6], closed = m[7] == '1', purging = m[8] == '1', paused = m[9] == '1' }
end

-- Throws away the data of the jobs ids[1..] (up to a few thousand: unpack's limit), one
-- HDEL per hash for all of them.
local function forget_all(ids)
  if #ids > 0 then
    for _, key in ipairs({ PAYLOADS, ATTEMPTS, ENQUEUED, ORIGINS, HOLDERS }) do
      redis.call('HDEL', key, unpack(ids))
    end
  end
end

local function forget(id)
  forget_all({ id })
end

-- Hands the jobs ids[1..] (up to a few thousand: unpack's limit) to the outbox, from which
-- they are forwarded to the dead-letter queue (which may live on another shard); their
-- data stays here until they have arrived. One call for each key, not for each job.
local function dead_letter_all(q, ids, reason)
  if #ids == 0 then
    return
  end
  local attempts = redis.call('HMGET', ATTEMPTS, unpack(ids))
  local meta = {}
  for i, id in ipairs(ids) do
    meta[2 * i - 1] = id
    meta[2 * i] = q.dlqto .. '\n' .. reason .. '\n' .. (attempts[i] or '0')
  end
  redis.call('RPUSH', OUTBOX, unpack(ids))
  redis.call('HSET', OUTMETA, unpack(meta))
  if reason == 'max-attempts' then
    tally.max = tally.max + #ids
  else
    tally.purged = tally.purged + #ids
  end
  changed = true
end

local function dead_letter(q, id, reason)
  dead_letter_all(q, { id }, reason)
end

-- A job whose lease failed (nack or expiry): to the head, delayed, or dead-lettered.
local function requeue_failed(q, id, delay)
  local attempt = tonumber(redis.call('HGET', ATTEMPTS, id) or '0')
  if attempt >= q.attempts then
    dead_letter(q, id, 'max-attempts')
  elseif q.purging then
    dead_letter(q, id, 'purged')
  elseif delay > 0 then
    redis.call('ZADD', DELAYED, now + delay, id)
  else
    redis.call('LPUSH', READY, id)
  end
  changed = true
end

-- Brings the queue up to now: delayed jobs that fell due go to the head (nacked ones) or
-- the tail (delayed puts, never delivered), leases that ran out give their jobs back,
-- idempotency keys past their window are forgotten. At most
-- 1000 of each per script, so that no script holds Redis long; the rest are still due,
-- and the state's next due time makes the caller's sweep come back at once.
local function housekeep(q)
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, 1000)
  for _, id in ipairs(due) do
    redis.call('ZREM', DELAYED, id)
    if redis.call('HGET', ATTEMPTS, id) == '0' then
      redis.call('RPUSH', READY, id)
    else
      redis.call('LPUSH', READY, id)
    end
    changed = true
  end
  local expired = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, 1000)
  for _, lease in ipairs(expired) do
    local id = redis.call('HGET', LEASED, lease)
    redis.call('ZREM', LEASES, lease)
    redis.call('HDEL', LEASED, lease)
    if id then
      redis.call('HDEL', HOLDERS, id)
      tally.expired = tally.expired + 1
      requeue_failed(q, id, 0)
    end
  end
  local old = redis.call('ZRANGEBYSCORE', IDEMEXP, '-inf', now, 'LIMIT', 0, 100)
  if #old > 0 then
    redis.call('HDEL', IDEM, unpack(old))
    redis.call('ZREM', IDEMEXP, unpack(old))
  end
end

-- The job an idempotency key was accepted for within its window: its id and enqueued ms,
-- or nil. A key past its window is forgotten here (housekeeping forgets expired keys a
-- batch at a time).
local function known_key(key)
  local known = redis.call('HGET', IDEM, key)
  if not known then
    return nil
  end
  local expiry = tonumber(redis.call('ZSCORE', IDEMEXP, key))
  if not expiry or expiry <= now then
    redis.call('HDEL', IDEM, key)
    redis.call('ZREM', IDEMEXP, key)
    return nil
  end
  local original, at = string.match(known, '^(.*)\n(%d+)$')
  return original, tonumber(at)
end

-- Adds a new job at the tail of ready, or among the delayed ones if delay > 0 (ms), with
-- its idempotency key ('' none) known for window ms.
local function add_job(id, payload, key, delay, window)
  if delay > 0 then
    redis.call('ZADD', DELAYED, now + delay, id)
  else
    redis.call('RPUSH', READY, id)
  end
  redis.call('HSET', PAYLOADS, id, payload)
  redis.call('HSET', ATTEMPTS, id, 0)
  redis.call('HSET', ENQUEUED, id, now)
  if key ~= '' then
    redis.call('HSET', IDEM, key, id .. '\n' .. now)
    redis.call('ZADD', IDEMEXP, now + window, key)
  end
  changed = true
end

-- Calls visit(chunk) for each run of up to 1000 members of the list or sorted set at key
-- (read: 'LRANGE' or 'ZRANGE'), head first, until visit returns true: a scan of a large
-- queue never holds it whole in one Lua table, and one that stops early reads only what
-- it looked at. visit must not change the key.
local function each_chunk(read, key, visit)
  local start = 0
  repeat
    local chunk = redis.call(read, key, start, start + 999)
    if #chunk > 0 and visit(chunk) then
      return
    end
    start = start + 1000
  until #chunk < 1000
end

-- each_chunk, calling visit(id) for each member.
local function each_id(read, key, visit)
  each_chunk(read, key, function(chunk)
    for _, id in ipairs(chunk) do
      if visit(id) then
        return true
      end
    end
  end)
end

-- Calls visit(chunk) for runs of up to 1000 of the values in list (a Lua table).
local function in_chunks(list, visit)
  for i = 1, #list, 1000 do
    visit({ unpack(list, i, math.min(i + 999, #list)) })
  end
end

local function waiting()
  return redis.call('LLEN', READY) + redis.call('ZCARD', DELAYED)
end

local function earliest(key)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if first[2] then
    return tonumber(first[2])
  end
  return -1
end

local function state(q)
  local lease, delay = earliest(LEASES), earliest(DELAYED)
  local due = lease
  if due < 0 or (delay >= 0 and delay < due) then
    due = delay
  end
  return { redis.call('LLEN', READY), redis.call('ZCARD', DELAYED), redis.call('HLEN', LEASED),
    q.closed and 1 or 0, q.purging and 1 or 0, q.capacity, redis.call('LLEN', OUTBOX),
    tally.expired, tally.max, tally.purged, due, changed and 1 or 0, q.paused and 1 or 0 }
end

-- The reply: status, the state, then the operation's own values.
local function reply(q, status, ...)
  if changed and channel ~= '' then
    redis.call('SPUBLISH', channel, caller)
  end
  return { status, state(q), ... }
end

local function missing()
  return { 'missing', {} }
end

-- Moves every ready and delayed job to the outbox; returns how many.
local function purge_waiting(q)
  local n = waiting()
  local function out(chunk)
    dead_letter_all(q, chunk, 'purged')
  end
  each_chunk('LRANGE', READY, out)
  each_chunk('ZRANGE', DELAYED, out)
  redis.call('DEL', READY, DELAYED)
  return n
end

-- Leases up to max ready jobs from the head (or settles them at once when auto), with
-- the lease ids ARGV[lease_ids], ARGV[lease_ids + 1], ...; a lease runs length ms (nil:
-- the queue's lease timeout). Returns one entry per job: {lease id or false, id,
-- payload, attempt, enqueued ms, expiry ms or false, origin queue or false, reason or
-- false, origin attempts or false}.
local function deliver(q, max, length, auto, lease_ids)
  length = length or q.lease
  local jobs = {}
  while #jobs < max do
    local id = redis.call('LPOP', READY)
    if not id then
      break
    end
    local attempt = redis.call('HINCRBY', ATTEMPTS, id, 1)
    local payload = redis.call('HGET', PAYLOADS, id)
    local enq = tonumber(redis.call('HGET', ENQUEUED, id))
    local origin = redis.call('HGET', ORIGINS, id)
    local oq, oreason, oattempts = false, false, false
    if origin then
      oq, oreason, oattempts = string.match(origin, '^(.*)\n(.*)\n(%d+)$')
    end
    if auto then
      forget(id)
      table.insert(jobs, { false, id, payload, attempt, enq, false, oq, oreason, oattempts })
    else
      local lease = ARGV[lease_ids + #jobs]
      local expiry = now + length
      redis.call('ZADD', LEASES, expiry, lease)
      redis.call('HSET', LEASED, lease, id)
      redis.call('HSET', HOLDERS, id, lease)
      table.insert(jobs, { lease, id, payload, attempt, enq, expiry, oq, oreason, oattempts })
    end
  end
  if #jobs > 0 then
    changed = true
  end
  return jobs
end
