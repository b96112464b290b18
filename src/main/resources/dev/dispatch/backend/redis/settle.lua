-- settle a lease: ARGV 5 the lease id, 6 what to do: 'ack', 'nack' (7 delay ms),
-- 'extend' (7 length ms, '' = the queue's lease timeout), 'release'.
-- Replies held (extend: with the new expiry ms), not-held, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local lease, action = ARGV[5], ARGV[6]
local id = redis.call('HGET', LEASED, lease)
if not id then
  return reply(q, 'not-held')
end
if action == 'extend' then
  local expiry = now + (tonumber(ARGV[7]) or q.lease)
  redis.call('ZADD', LEASES, expiry, lease)
  return reply(q, 'held', expiry)
end
redis.call('ZREM', LEASES, lease)
redis.call('HDEL', LEASED, lease)
redis.call('HDEL', HOLDERS, id)
if action == 'ack' then
  forget(id)
  changed = true
elseif action == 'nack' then
  requeue_failed(q, id, tonumber(ARGV[7]))
else
  -- the consumer never got it: the attempt does not count
  redis.call('HINCRBY', ATTEMPTS, id, -1)
  if q.purging then
    dead_letter(q, id, 'purged')
  else
    redis.call('LPUSH', READY, id)
  end
  changed = true
end
return reply(q, 'held')
