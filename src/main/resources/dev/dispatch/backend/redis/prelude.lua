-- The library's shared part: every other file of this folder is one function of the
-- library (RedisScripts makes it: this prelude once, then each file as the body of a
-- function that begins with begin(keys, args)). A function is one operation on one queue;
-- all keys of a queue carry its hash tag, so a call touches one cluster slot. Defined once
-- when the library is loaded, the helpers below cost a call nothing.
--
-- KEYS:  1 meta (hash: gen capacity lease attempts dlq dlqto closed purging paused, and
--          due: no lease runs out and no delayed job falls due before it (ms, -1: none),
--          r d f o: how many jobs are ready, delayed, leased and in the outbox,
--          m: how many of the ready ones are not in the default lane, pm: the
--          priorities whose turns hold some group (bit p - 1 for priority p; 0 while m = 0),
--          pu: those whose turns were kept since they were last forgotten (see "Lanes"),
--          mif: most leases held at once, 0 for no limit,
--          mifg: most leases held at once per group, 0 for no limit (see "Lanes"),
--          rps: most jobs delivered per second, 0 for no limit, and its bucket: tk
--          thousandths of a lease at tt ms, see "The rate" below,
--          about: a line for whoever looks at the key, long enough that Redis keeps
--          meta as a hash table, see ABOUT below)
--        2 ready (list of the ready job ids of the default lane, head first; the other
--          lanes' keys start with it, see "Lanes" below)   3 delayed (zset id -> due ms)
--        4 leases (zset lease id -> expiry ms; a lease id is '<job id>.<token>')
--        5 outbox (list of ids leaving for the dead-letter queue)
--        6 outmeta (hash id -> "target\nreason\nattempts")
--        7 the prefix of job keys: JOB .. id is a hash {p payload, a attempt, e enqueued ms,
--          o origin "queue\nreason\nattempts", t trace "traceparent\ntracestate",
--          l the lease that holds it, y its lane unless the default: priority digit and
--          group, such as "9" or "5tenant-7"}
--        8 the prefix of idempotency keys: IDEM .. gen .. ':' .. key is "id\nms\nexpiry ms"
--          (the generation: a queue made again under the name knows none); known until its
--          expiry by the callers' clock, and dropped by Redis a window after that
-- ARGV:  1 now (ms, the caller's clock)  2 the queue's generation ('' = any)
--        3 the wake channel  4 the calling replica's id  5.. the operation's own arguments
--
-- Every reply is {status, state, ...}; state = {ready, delayed, inflight, closed, purging,
-- capacity, outbox, expired, dead-lettered max-attempts, dead-lettered purged, next due ms
-- or -1, woke, paused, most leases in flight or 0, held back by the rate, most leases in
-- flight per group or 0, every ready job held back by that (see LOOK)}: the counts come from
-- meta, so the common case reads no list.
-- Housekeeping (due delayed jobs, run-out leases) runs only once meta's due has come.
-- A script publishes the calling replica's id on the wake channel only when its change
-- may serve a request parked elsewhere: jobs became ready where none were, room came where
-- there was none, nothing is left unfinished, the queue was closed, resumed or purged.
local META, READY, DELAYED, LEASES, OUTBOX, OUTMETA, JOB, IDEM
local ARGV, now, gen, channel, caller, tally
-- Each operation's body, by name ('put', 'take', ...; RedisScripts fills it when the
-- library loads), and the queue while many.lua runs several of them in one call: then
-- load() gives them that queue and reply() answers without writing it back.
local OPS, BATCH = {}, nil
-- Whether this call's answer tells if every ready job is held back by the limit per group
-- (that costs reads of groups' counts): a take that got nothing and a snapshot ask; any
-- other answer says no, and at worst a replica with parked takes tries one of them again.
local LOOK = false
-- The keys of each priority's turns, by priority, as this call made them (turns(p)).
local TURNS = {}

-- Takes one call's keys and arguments (Redis runs one call at a time): every function of
-- the library starts with it.
local function begin(keys, args)
  META, READY, DELAYED, LEASES = keys[1], keys[2], keys[3], keys[4]
  OUTBOX, OUTMETA, JOB, IDEM = keys[5], keys[6], keys[7], keys[8]
  ARGV = args
  now = tonumber(args[1])
  gen = args[2]
  channel = args[3]
  caller = args[4]
  tally = { expired = 0, max = 0, purged = 0 }
  BATCH = nil
  LOOK = false
  TURNS = {}
end

-- Every call reads meta's fields by name and writes some back. Redis keeps a hash this
-- small compact (a listpack, where each field is found by scanning the fields before it)
-- until one of its values is longer than hash-max-listpack-value (64 bytes by default):
-- meta's 'about', a line for whoever looks at the key, is longer, so that meta is a hash
-- table, where each field is found at once (7-15 % less Redis CPU in the scripts of a put, a
-- take and an ack: docs/benchmarks.md). load() writes it where it is missing (a queue made
-- by an older version, or just made).
local ABOUT = 'the state of one Dispatch queue: its settings, counts and limits (see prelude.lua)'

local FIELDS = { 'gen', 'capacity', 'lease', 'attempts', 'dlq', 'dlqto', 'closed', 'purging', 'paused', 'due', 'r',
  'd', 'f', 'o', 'm', 'mif', 'rps', 'tk', 'tt', 'mifg', 'pm', 'pu', 'about' }

-- Sets the priorities' masks of a queue stored before meta kept them (see "Lanes").
local mask_turns

-- The queue, or nil if it does not exist (deleted, or another generation). What the
-- script changes is written back by reply() in one HSET.
local function load()
  if BATCH then
    return BATCH
  end
  local m = redis.call('HMGET', META, unpack(FIELDS))
  if not m[1] or (gen ~= '' and m[1] ~= gen) then
    return nil
  end
  local q = { gen = m[1], capacity = tonumber(m[2]), lease = tonumber(m[3]), attempts = tonumber(m[4]),
    dlq = m[5], dlqto = m[6], closed = m[7] == '1', purging = m[8] == '1', paused = m[9] == '1',
    due = tonumber(m[10] or '-1'), r = tonumber(m[11] or '0'), d = tonumber(m[12] or '0'),
    f = tonumber(m[13] or '0'), o = tonumber(m[14] or '0'), m = tonumber(m[15] or '0'),
    mif = tonumber(m[16] or '0'), rps = tonumber(m[17] or '0'), tk = tonumber(m[18] or '-1'),
    tt = tonumber(m[19] or '0'), mifg = tonumber(m[20] or '0'), pm = tonumber(m[21] or '0'), pu = tonumber(m[22] or '0'),
    dirty = {} }
  if not m[23] then
    q.about = ABOUT
    q.dirty.about = true
  end
  if q.m > 0 and not m[21] then
    mask_turns(q)
  end
  q.was = { r = q.r, d = q.d, f = q.f, capacity = q.capacity, closed = q.closed, purging = q.purging,
    paused = q.paused, mif = q.mif }
  return q
end

-- Sets one of the queue's fields (written back by reply()).
local function set(q, field, value)
  q[field] = value
  q.dirty[field] = true
end

-- Adds delta to one of the queue's counts.
local function count(q, field, delta)
  set(q, field, q[field] + delta)
end

-- Something falls due at ms (a lease, a delayed job): the next housekeeping comes no later.
local function due_at(q, ms)
  if q.due < 0 or ms < q.due then
    set(q, 'due', ms)
  end
end

-- The job id a lease id names.
local function job_of(lease)
  return string.match(lease, '^([^.]+)%.')
end

-- Calls visit(chunk) for runs of up to 1000 of the values in list (a Lua table).
local function in_chunks(list, visit)
  for i = 1, #list, 1000 do
    visit({ unpack(list, i, math.min(i + 999, #list)) })
  end
end

-- Lanes. A ready job waits in the list of its lane: priority p (1-9) and group g ('' the
-- default group). The default lane (5, '') is READY; another is READY .. ':' .. p .. g.
-- While every ready job is in the default lane (meta m = 0) a take pops READY and nothing
-- else is kept. Otherwise, per priority p with jobs: the groups whose turn comes in this
-- round (list READY .. '|now' .. p), in the next round ('|next' .. p), and those served in
-- this round that had no jobs left then (set '|served' .. p); meta pm has bit p - 1 set
-- while p's turns hold a group (so the highest priority with jobs is read from meta), and pu
-- while p's turns or served set may exist. A take serves the highest
-- priority with jobs, the group at the head of its round (the next round starts when this
-- one is empty); a group served goes to the next round if it still has jobs. A group that
-- gets jobs joins this round, unless it was served in it already (then the next one).
-- Under a limit per group (meta mifg > 0) the leases each group holds are counted (hash
-- LEASES .. '|groups', group -> count, kept only while there is a limit), and a take passes
-- over a group at the limit: it keeps its place; if every group of this round is held so,
-- the first of the next round that is not is served (and stays in the next round, at its
-- end). The rules are ReadyJobs's, to the job.
local function lane_of(code)
  if not code or code == '' then
    return 5, ''
  end
  return tonumber(string.sub(code, 1, 1)), string.sub(code, 2)
end

-- The priorities' digits (Lua writes a number into a string with sprintf), and their bits in
-- meta's pm and pu.
local DIGITS = { '1', '2', '3', '4', '5', '6', '7', '8', '9' }
local BITS = { 1, 2, 4, 8, 16, 32, 64, 128, 256 }

local function lane_key(p, g)
  if p == 5 and g == '' then
    return READY
  end
  return READY .. ':' .. DIGITS[p] .. g
end

-- The keys of priority p's turns (made once a call: TURNS).
local function turns(p)
  local keys = TURNS[p]
  if not keys then
    local digit = DIGITS[p]
    keys = { READY .. '|now' .. digit, READY .. '|next' .. digit, READY .. '|served' .. digit }
    TURNS[p] = keys
  end
  return keys[1], keys[2], keys[3]
end

-- Whether mask (meta's pm or pu) has priority p.
local function has(mask, p)
  return bit.band(mask, BITS[p]) ~= 0
end

-- The priorities of mask, the highest first.
local function priorities(mask)
  local found = {}
  for p = 9, 1, -1 do
    if has(mask, p) then
      table.insert(found, p)
    end
  end
  return found
end

mask_turns = function(q)
  local pm = 0
  for p = 1, 9 do
    local this_round, next_round = turns(p)
    if redis.call('EXISTS', this_round, next_round) > 0 then
      pm = pm + BITS[p]
    end
  end
  set(q, 'pm', pm)
  set(q, 'pu', 511)
  redis.call('DEL', READY .. '|levels') -- the ready counts per priority kept before
end

local function busy_key()
  return LEASES .. '|groups'
end

-- The group a lane code names ('' the default group).
local function group_of(code)
  local _, g = lane_of(code)
  return g
end

-- The leases group g holds (counted only under a limit per group).
local function held(g)
  return tonumber(redis.call('HGET', busy_key(), g) or '0')
end

-- Whether a job of group g may be leased under the limit per group.
local function allowed(q, g)
  return q.mifg == 0 or held(g) < q.mifg
end

-- Leases of group g's jobs began (delta > 0) or ended (delta < 0). A group that held as
-- many as the limit allows and now holds fewer is freed (q.freed): takes held back by it
-- may be served now.
local function count_leases(q, g, delta)
  if q.mifg > 0 and delta ~= 0 then
    local held_now = redis.call('HINCRBY', busy_key(), g, delta)
    if held_now <= 0 then
      redis.call('HDEL', busy_key(), g)
    end
    if held_now < q.mifg and held_now - delta >= q.mifg then
      q.freed = true
    end
  end
end

-- A lease of job id ended.
local function lease_ended(q, id)
  if q.mifg > 0 then
    count_leases(q, group_of(redis.call('HGET', JOB .. id, 'y')), -1)
  end
end

-- The first group of the list at key that the limit per group lets through, or nil.
local function first_allowed(q, key)
  local start = 0
  repeat
    local groups = redis.call('LRANGE', key, start, start + 31)
    if #groups > 0 then
      local counts = redis.call('HMGET', busy_key(), unpack(groups))
      for i, g in ipairs(groups) do
        if tonumber(counts[i] or '0') < q.mifg then
          return g
        end
      end
    end
    start = start + 32
  until #groups < 32
  return nil
end

-- Group g of priority p got its first job: its turn comes in this round or the next.
local function join(q, p, g)
  local this_round, next_round, served = turns(p)
  if redis.call('SISMEMBER', served, g) == 1 then
    redis.call('RPUSH', next_round, g)
  else
    redis.call('RPUSH', this_round, g)
  end
  if not has(q.pm, p) then
    set(q, 'pm', q.pm + BITS[p])
  end
  if not has(q.pu, p) then
    set(q, 'pu', q.pu + BITS[p])
  end
end

-- A group of priority p left its turns: p has none once both rounds are empty.
local function left_turns(q, p)
  local this_round, next_round = turns(p)
  if redis.call('EXISTS', this_round, next_round) == 0 then
    set(q, 'pm', bit.band(q.pm, bit.bnot(BITS[p])))
  end
end

-- Every ready job is in the default lane again: the turns are forgotten (those of the
-- priorities kept since they were last forgotten).
local function forget_turns(q)
  local keys = {}
  for _, p in ipairs(priorities(bit.bor(q.pu, q.pm))) do
    local this_round, next_round, served = turns(p)
    table.insert(keys, this_round)
    table.insert(keys, next_round)
    table.insert(keys, served)
  end
  if #keys > 0 then
    redis.call('DEL', unpack(keys))
  end
  set(q, 'pm', 0)
  set(q, 'pu', 0)
end

-- Makes job id ready in the lane code names ('' or nil: the default), after the others
-- of its lane, or before them if head.
local function push_ready(q, id, code, head)
  local p, g = lane_of(code)
  local key = lane_key(p, g)
  local n = redis.call(head and 'LPUSH' or 'RPUSH', key, id)
  if key == READY then
    count(q, 'r', 1)
    if q.m > 0 and n == 1 then
      join(q, 5, '')
    end
    return
  end
  if q.m == 0 and q.r > 0 then
    join(q, 5, '') -- the default lane takes turns from now on
  end
  count(q, 'r', 1)
  count(q, 'm', 1)
  if n == 1 then
    join(q, p, g)
  end
end

-- The highest priority with ready jobs (only while some are outside the default lane).
local function top_level(q)
  for p = 9, 1, -1 do
    if has(q.pm, p) then
      return p
    end
  end
end

-- Every priority with ready jobs, highest first (only while some are outside the default
-- lane).
local function levels(q)
  return priorities(q.pm)
end

-- Whether some group may hold as many leases as the limit per group allows, with extra
-- more leased by this call: while fewer leases than the limit are held in all, none can,
-- and no group's count needs reading.
local function may_hold(q, extra)
  return q.mifg > 0 and q.f + extra >= q.mifg
end

-- The group whose turn it is at priority p: this round's first; when the round is over,
-- the next one begins. Under a limit per group (with extra more leased by this call), the
-- first of this round that the limit lets through, else the first such of the next round.
-- Takes it out of its round; returns it, or nil.
local function turn(q, p, extra)
  local this_round, next_round, served = turns(p)
  if not may_hold(q, extra) then
    local g = redis.call('LPOP', this_round)
    if not g then
      redis.call('RENAME', next_round, this_round)
      redis.call('DEL', served)
      g = redis.call('LPOP', this_round)
    end
    return g
  end
  if redis.call('LLEN', this_round) == 0 and redis.call('EXISTS', next_round) == 1 then
    redis.call('RENAME', next_round, this_round)
    redis.call('DEL', served)
  end
  for _, round in ipairs({ this_round, next_round }) do
    local g = first_allowed(q, round)
    if g then
      redis.call('LREM', round, 1, g)
      return g
    end
  end
  return nil
end

-- How many of max jobs of group g the limit per group lets through now ('' the default
-- group), with extra leases given by this call already; an auto-settled delivery holds no
-- lease, so it is let through whole or not. While the leases held in all stay within the
-- limit, no group's count needs reading.
local function group_room(q, g, max, auto, extra)
  if q.mifg == 0 or q.f + extra + max <= q.mifg then
    return max
  end
  local room = math.max(0, q.mifg - held(g))
  if auto then
    return (room > 0) and max or 0
  end
  return math.min(max, room)
end

-- Takes up to max ready jobs, in turn; returns their ids. Unless auto (settled at
-- delivery), each counts as a lease of its group.
local function pop_ready(q, max, auto)
  if q.m == 0 then
    local n = group_room(q, '', max, auto, 0)
    local ids = (n > 0) and redis.call('LPOP', READY, n) or {}
    count(q, 'r', -#ids)
    if not auto then
      count_leases(q, '', #ids)
    end
    return ids
  end
  local ids = {}
  while #ids < max and q.m > 0 do
    local p, g
    if not may_hold(q, auto and 0 or #ids) then
      p = top_level(q)
      g = turn(q, p, 0)
    else
      -- the highest priority first, which most often has a group to serve; every
      -- priority with jobs only when it has none
      local top = top_level(q)
      g = turn(q, top, auto and 0 or #ids)
      p = top
      if not g then
        for _, level in ipairs(levels(q)) do
          g = (level ~= top) and turn(q, level, auto and 0 or #ids) or nil
          if g then
            p = level
            break
          end
        end
      end
      if not g then
        break
      end
    end
    local _, next_round, served = turns(p)
    local key = lane_key(p, g)
    table.insert(ids, redis.call('LPOP', key))
    count(q, 'r', -1)
    if not auto then
      count_leases(q, g, 1)
    end
    local left
    if key == READY then
      left = q.r - q.m
    else
      count(q, 'm', -1)
      left = redis.call('LLEN', key)
    end
    if left > 0 then
      redis.call('RPUSH', next_round, g)
    else
      redis.call('SADD', served, g)
    end
    if q.m == 0 then
      forget_turns(q)
    elseif left == 0 then
      left_turns(q, p)
    end
  end
  if #ids < max and q.r > 0 and q.m == 0 then
    local n = group_room(q, '', max - #ids, auto, auto and 0 or #ids)
    local rest = (n > 0) and redis.call('LPOP', READY, n) or {}
    for _, id in ipairs(rest) do
      table.insert(ids, id)
    end
    count(q, 'r', -#rest)
    if not auto then
      count_leases(q, '', #rest)
    end
  end
  return ids
end

-- Takes ready job id out of the lane code names; false if it is not there.
local function remove_ready(q, id, code)
  local p, g = lane_of(code)
  local key = lane_key(p, g)
  if redis.call('LREM', key, -1, id) == 0 then
    return false
  end
  count(q, 'r', -1)
  if key ~= READY then
    count(q, 'm', -1)
  end
  if q.m > 0 and redis.call('EXISTS', key) == 0 then
    local this_round, next_round = turns(p)
    redis.call('LREM', this_round, 0, g)
    redis.call('LREM', next_round, 0, g)
    left_turns(q, p)
  elseif q.m == 0 and key ~= READY then
    forget_turns(q)
  end
  return true
end

-- The keys of every lane with ready jobs: the default lane first, then by priority, the
-- highest first, each priority's groups in the order of their turns.
local function ready_keys(q)
  local keys = { READY }
  if q.m == 0 then
    return keys
  end
  for _, p in ipairs(priorities(q.pm)) do
    local this_round, next_round = turns(p)
    for _, list in ipairs({ this_round, next_round }) do
      for _, g in ipairs(redis.call('LRANGE', list, 0, -1)) do
        if p ~= 5 or g ~= '' then
          table.insert(keys, lane_key(p, g))
        end
      end
    end
  end
  return keys
end

-- Forgets every ready job's place (not its data): every lane is emptied.
local function clear_ready(q)
  local keys = ready_keys(q)
  if q.m > 0 then
    forget_turns(q)
  end
  in_chunks(keys, function(chunk)
    redis.call('DEL', unpack(chunk))
  end)
  set(q, 'r', 0)
  set(q, 'm', 0)
end

-- Writes a job's hash: its payload, attempt and enqueued ms, and its origin, trace and
-- lane unless '' (none, or the default lane).
local function store_job(id, payload, attempt, enqueued, origin, trace, lane)
  local fields, n = { 'p', payload, 'a', attempt, 'e', enqueued }, 6
  if origin ~= '' then
    fields[n + 1], fields[n + 2], n = 'o', origin, n + 2
  end
  if trace ~= '' then
    fields[n + 1], fields[n + 2], n = 't', trace, n + 2
  end
  if lane ~= '' then
    fields[n + 1], fields[n + 2] = 'y', lane
  end
  redis.call('HSET', JOB .. id, unpack(fields))
end

-- Throws away the data of the jobs ids[1..] (up to a few thousand: unpack's limit).
local function forget_all(ids)
  if #ids > 0 then
    local keys = {}
    for i, id in ipairs(ids) do
      keys[i] = JOB .. id
    end
    redis.call('DEL', unpack(keys))
  end
end

-- Hands the jobs ids[1..] (up to a few thousand) to the outbox, from which they are
-- forwarded to the dead-letter queue (which may live on another shard); their data stays
-- here until they have arrived. A queue without a dead-letter queue (dlqto '') throws
-- them away: only a purge sends jobs here then.
local function dead_letter_all(q, ids, reason)
  if #ids == 0 then
    return
  end
  if q.dlqto == '' then
    forget_all(ids)
    return
  end
  local meta = {}
  for i, id in ipairs(ids) do
    meta[2 * i - 1] = id
    meta[2 * i] = q.dlqto .. '\n' .. reason .. '\n' .. (redis.call('HGET', JOB .. id, 'a') or '0')
  end
  redis.call('RPUSH', OUTBOX, unpack(ids))
  redis.call('HSET', OUTMETA, unpack(meta))
  count(q, 'o', #ids)
  if reason == 'max-attempts' then
    tally.max = tally.max + #ids
  else
    tally.purged = tally.purged + #ids
  end
end

-- A job whose lease failed (nack or expiry), no longer counted as leased: to the head,
-- delayed, or dead-lettered.
local function requeue_failed(q, id, delay)
  local job = redis.call('HMGET', JOB .. id, 'a', 'y')
  local attempt = tonumber(job[1] or '0')
  if attempt >= q.attempts and q.dlqto ~= '' then
    dead_letter_all(q, { id }, 'max-attempts')
  elseif q.purging then
    dead_letter_all(q, { id }, 'purged')
  elseif delay > 0 then
    redis.call('ZADD', DELAYED, now + delay, id)
    count(q, 'd', 1)
    due_at(q, now + delay)
  else
    push_ready(q, id, job[2], true)
  end
end

local function earliest(key)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if first[2] then
    return tonumber(first[2])
  end
  return -1
end

-- Brings the queue up to now, once something is due: delayed jobs that fell due go to the
-- head (nacked ones) or the tail (delayed puts, never delivered), leases that ran out give
-- their jobs back. At most 1000 of each per script, so that no script holds Redis long;
-- the rest are still due, and the next due time makes the caller look again at once.
local function housekeep(q)
  if q.due < 0 or q.due > now then
    return
  end
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, 1000)
  if #due > 0 then
    redis.call('ZREM', DELAYED, unpack(due))
    count(q, 'd', -#due)
    for _, id in ipairs(due) do
      -- never delivered: to the tail; nacked with a delay: back to the head
      local job = redis.call('HMGET', JOB .. id, 'a', 'y')
      push_ready(q, id, job[2], job[1] ~= '0')
    end
  end
  local expired = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, 1000)
  if #expired > 0 then
    redis.call('ZREM', LEASES, unpack(expired))
    count(q, 'f', -#expired)
    for _, lease in ipairs(expired) do
      local id = job_of(lease)
      lease_ended(q, id)
      redis.call('HDEL', JOB .. id, 'l')
      tally.expired = tally.expired + 1
      requeue_failed(q, id, 0)
    end
  end
  local lease, delay = earliest(LEASES), earliest(DELAYED)
  local next = lease
  if next < 0 or (delay >= 0 and delay < next) then
    next = delay
  end
  set(q, 'due', next)
end

-- The idempotency key of key in this generation of the queue.
local function idem_key(q, key)
  return IDEM .. q.gen .. ':' .. key
end

-- The job an idempotency key was accepted for within its window: its id and enqueued ms,
-- or nil.
local function known_key(q, key)
  local known = redis.call('GET', idem_key(q, key))
  if not known then
    return nil
  end
  local original, at, expiry = string.match(known, '^(.*)\n(%d+)\n(%d+)$')
  if tonumber(expiry) <= now then
    return nil
  end
  return original, tonumber(at)
end

-- Adds a new job at the tail of its lane ('' the default), or among the delayed ones if
-- delay > 0 (ms), with its idempotency key ('' none) known for window ms, its trace (''
-- none).
local function add_job(q, id, payload, key, delay, window, trace, lane)
  store_job(id, payload, 0, now, '', trace, lane)
  if delay > 0 then
    redis.call('ZADD', DELAYED, now + delay, id)
    count(q, 'd', 1)
    due_at(q, now + delay)
  else
    push_ready(q, id, lane, false)
  end
  if key ~= '' then
    -- Redis's own expiry only bounds the memory: the window is the callers' clock's
    redis.call('SET', idem_key(q, key), id .. '\n' .. now .. '\n' .. (now + window), 'PX', 2 * window)
  end
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

-- The job ids of every lease, a chunk at a time.
local function each_leased_chunk(visit)
  each_chunk('ZRANGE', LEASES, function(leases)
    local ids = {}
    for i, lease in ipairs(leases) do
      ids[i] = job_of(lease)
    end
    return visit(ids)
  end)
end

-- The rate. The limit on jobs delivered per second is a token bucket (as Java's
-- LeaseRate, by the same arithmetic): in thousandths of a lease, it fills by rps each ms
-- up to a tenth of a second's worth (at least one lease), and each job delivered takes a
-- whole one. tk < 0: not filled yet, so full.
local function bucket(rps)
  return math.max(1, math.floor((rps + 9) / 10)) * 1000
end

local function fill(q)
  if q.tk < 0 then
    set(q, 'tk', bucket(q.rps))
    set(q, 'tt', now)
  elseif now > q.tt then
    set(q, 'tk', math.min(bucket(q.rps), q.tk + (now - q.tt) * q.rps))
    set(q, 'tt', now)
  end
end

-- How many jobs the rate allows to deliver now.
local function rate_room(q)
  if q.rps == 0 then
    return math.huge
  end
  fill(q)
  return math.floor(q.tk / 1000)
end

-- When the rate allows the next job (ms).
local function rate_next(q)
  fill(q)
  if q.tk >= 1000 then
    return now
  end
  return now + math.floor((1000 - q.tk + q.rps - 1) / q.rps)
end

-- Counts n jobs delivered now against the rate.
local function spend(q, n)
  if q.rps > 0 and n > 0 then
    fill(q)
    set(q, 'tk', math.max(0, q.tk - n * 1000))
  end
end

-- How many more leases the queue's limits allow now.
local function lease_room(q)
  local room = math.huge
  if q.mif > 0 then
    room = math.max(0, q.mif - q.f)
  end
  return math.min(room, rate_room(q))
end

-- Whether a take could get a job: one is ready, delivery is on, the limit allows a lease.
local function serves_takes(r, paused, f, mif)
  return r > 0 and not paused and (mif == 0 or f < mif)
end

local function drained(q)
  return q.closed and (q.purging or q.r + q.d + q.f == 0)
end

-- Whether jobs are ready but every one is in a group at the limit per group.
local function held_by_groups(q)
  if not LOOK or q.r == 0 or not may_hold(q, 0) then
    return false
  end
  if q.m == 0 then
    return not allowed(q, '')
  end
  for _, p in ipairs(levels(q)) do
    local this_round, next_round = turns(p)
    if first_allowed(q, this_round) or first_allowed(q, next_round) then
      return false
    end
  end
  return true
end

-- Whether this script's change may serve a request parked elsewhere.
local function woke(q)
  local was = q.was
  if q.closed ~= was.closed or q.purging ~= was.purging then
    return true
  end
  if q.freed and q.r > 0 and not q.paused then
    return true -- takes held back by the limit per group, perhaps
  end
  if serves_takes(q.r, q.paused, q.f, q.mif) and not serves_takes(was.r, was.paused, was.f, was.mif) then
    return true -- takes
  end
  if q.r + q.d < q.capacity and was.r + was.d >= was.capacity then
    return true -- puts
  end
  return q.r + q.d + q.f == 0 and was.r + was.d + was.f > 0 -- joins, drained takes
end

-- The state a reply carries. Held back by the rate, with jobs ready, the caller looks
-- again when the rate allows the next one (next due).
local function state(q, woken)
  local limited, due = q.rps > 0 and rate_room(q) == 0, q.due
  if limited and q.r > 0 then
    local next = rate_next(q)
    if due < 0 or next < due then
      due = next
    end
  end
  return { q.r, q.d, q.f, q.closed and 1 or 0, q.purging and 1 or 0, q.capacity, q.o, tally.expired, tally.max,
    tally.purged, due, woken and 1 or 0, q.paused and 1 or 0, q.mif, limited and 1 or 0, q.mifg,
    held_by_groups(q) and 1 or 0 }
end

-- Writes back what changed, wakes the other replicas if that may serve them, and answers:
-- status, the state, then the operation's own values. One operation of many.lua's
-- answers status, false, its values: many.lua writes back and answers the state once.
local function reply(q, status, ...)
  if BATCH then
    return { status, false, ... }
  end
  local fields = {}
  for field in pairs(q.dirty) do
    local value = q[field]
    if value == true then
      value = '1'
    elseif value == false then
      value = '0'
    end
    table.insert(fields, field)
    table.insert(fields, value)
  end
  if #fields > 0 then
    redis.call('HSET', META, unpack(fields))
  end
  local woken = woke(q)
  if woken and channel ~= '' then
    redis.call('SPUBLISH', channel, caller)
  end
  return { status, state(q, woken), ... }
end

local function missing()
  return { 'missing', {} }
end

-- Moves every ready and delayed job to the outbox; returns how many.
local function purge_waiting(q)
  local n = q.r + q.d
  local function out(chunk)
    dead_letter_all(q, chunk, 'purged')
  end
  for _, key in ipairs(ready_keys(q)) do
    each_chunk('LRANGE', key, out)
  end
  each_chunk('ZRANGE', DELAYED, out)
  clear_ready(q)
  redis.call('DEL', DELAYED)
  set(q, 'd', 0)
  return n
end

-- A job's origin and trace as a reply carries them: origin queue, reason and attempts (or
-- false each), trace (or false).
local function origin_and_trace(origin, trace)
  local oq, oreason, oattempts = false, false, false
  if origin then
    oq, oreason, oattempts = string.match(origin, '^(.*)\n(.*)\n(%d+)$')
  end
  return oq, oreason, oattempts, trace or false
end

-- Leases up to max ready jobs from the head (or settles them at once when auto), each
-- with the lease id '<job id>.<token>'; a lease runs length ms (nil: the queue's lease
-- timeout). Returns one entry per job: {lease id or false, id, payload, attempt, enqueued
-- ms, expiry ms or false, origin queue or false, reason or false, origin attempts or
-- false, trace or false, lane or false}.
local function deliver(q, max, length, auto, token)
  max = math.min(max, lease_room(q))
  if q.paused or q.r == 0 or max == 0 then
    return {}
  end
  local ids = pop_ready(q, max, auto)
  spend(q, #ids)
  length = length or q.lease
  local expiry = now + length
  local jobs, leases = {}, {}
  for _, id in ipairs(ids) do
    local key = JOB .. id
    local job = redis.call('HMGET', key, 'p', 'a', 'e', 'o', 't', 'y')
    local attempt = tonumber(job[2] or '0') + 1
    local oq, oreason, oattempts, trace = origin_and_trace(job[4], job[5])
    if auto then
      redis.call('DEL', key)
      table.insert(jobs,
        { false, id, job[1], attempt, tonumber(job[3]), false, oq, oreason, oattempts, trace, job[6] or false })
    else
      local lease = id .. '.' .. token
      redis.call('HSET', key, 'a', attempt, 'l', lease)
      table.insert(leases, expiry)
      table.insert(leases, lease)
      table.insert(jobs,
        { lease, id, job[1], attempt, tonumber(job[3]), expiry, oq, oreason, oattempts, trace, job[6] or false })
    end
  end
  if #leases > 0 then
    redis.call('ZADD', LEASES, unpack(leases))
    count(q, 'f', #leases / 2)
    due_at(q, expiry)
  end
  return jobs
end

-- Settles leases in order: from ARGV[from], groups of {lease id, what to do: 'ack', 'nack',
-- 'extend' or 'release', its argument: the nack's delay ms, the extension's length ms ('' =
-- the queue's lease timeout), '' for the others}, up to ARGV[to]. Returns one value per
-- group: -1 the lease was not held, 0 done, or an extension's new expiry ms.
local function settle(q, from, to)
  local outcomes = {}
  for i = from, to, 3 do
    local lease, action = ARGV[i], ARGV[i + 1]
    if action == 'extend' then
      if redis.call('ZSCORE', LEASES, lease) then
        local expiry = now + (tonumber(ARGV[i + 2]) or q.lease)
        redis.call('ZADD', LEASES, expiry, lease)
        due_at(q, expiry)
        table.insert(outcomes, expiry)
      else
        table.insert(outcomes, -1)
      end
    elseif redis.call('ZREM', LEASES, lease) == 0 then
      table.insert(outcomes, -1)
    else
      count(q, 'f', -1)
      local id = job_of(lease)
      lease_ended(q, id)
      if action == 'ack' then
        redis.call('DEL', JOB .. id)
      elseif action == 'nack' then
        redis.call('HDEL', JOB .. id, 'l')
        requeue_failed(q, id, tonumber(ARGV[i + 2]))
      else
        -- released: the consumer never got it, the attempt does not count
        redis.call('HINCRBY', JOB .. id, 'a', -1)
        redis.call('HDEL', JOB .. id, 'l')
        if q.purging then
          dead_letter_all(q, { id }, 'purged')
        else
          push_ready(q, id, redis.call('HGET', JOB .. id, 'y'), true)
        end
      end
      table.insert(outcomes, 0)
    end
  end
  return outcomes
end
