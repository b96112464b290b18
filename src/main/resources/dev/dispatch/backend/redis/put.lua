-- put: ARGV 5 job id, 6 payload, 7 idempotency key ('' none), 8 dedup window ms,
-- 9 '1' to only look the put up (by its key, or by 14; a put that must wait its turn
-- behind parked ones, or whose try went unanswered),
-- 10 '1' if a take parked at the caller is handed jobs at once, '2' if a take whose own
-- attempt ran just before is, only if that attempt left no job ready (it found none, so
-- it parks: were it to get jobs twice, one set would go back), '0' if none is: 15 its
-- max, 16 its lease ms ('' = the queue's), 17 '1' to settle at delivery, 18 the token of
-- its lease ids. Such a hand-off may go beyond the capacity, as the job does not rest in
-- the queue. 11 the delay ms: a delayed job waits among the delayed ones (never handed
-- off) and joins the tail when due (housekeep), taking room all along. 12 the trace
-- context ('' none). 13 the job's lane ('' the default). 14 '1' if this try may repeat
-- one whose answer was lost (a parked put's): its acceptance is remembered for the dedup
-- window, a minute at least (IDEM .. '!' .. id holds the enqueued ms, beside the
-- idempotency keys), and a repeat or a look-up is answered with it.
-- Replies accepted {id, enqueued ms, job...} (the jobs handed to the take, oldest
-- first), duplicate {id, enqueued ms}, closed, full, unknown-key, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local id, payload, key, window = ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
local delay = tonumber(ARGV[11])
local hand_off = delay == 0 and not q.paused and (ARGV[10] == '1' or (ARGV[10] == '2' and q.r == 0))
  and lease_room(q) > 0 and allowed(q, group_of(ARGV[13]))
local marker = (ARGV[14] == '1') and (IDEM .. '!' .. id) or nil
if marker then
  local at = redis.call('GET', marker)
  if at then
    return reply(q, 'accepted', id, tonumber(at))
  end
end
if key ~= '' then
  local original, at = known_key(q, key)
  if original then
    return reply(q, 'duplicate', original, at)
  end
end
if ARGV[9] == '1' then
  return reply(q, 'unknown-key')
end
if q.closed then
  return reply(q, 'closed')
end
if q.r + q.d >= q.capacity and not hand_off then
  return reply(q, 'full')
end
add_job(q, id, payload, key, delay, window, ARGV[12], ARGV[13])
if marker then
  redis.call('SET', marker, now, 'PX', math.max(window, 60000))
end
if hand_off then
  local length = tonumber(ARGV[16])
  return reply(q, 'accepted', id, now, unpack(deliver(q, tonumber(ARGV[15]), length, ARGV[17] == '1', ARGV[18])))
end
return reply(q, 'accepted', id, now)
