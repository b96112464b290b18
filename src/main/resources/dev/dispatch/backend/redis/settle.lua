-- settle leases, in order: from ARGV 5, groups of {lease id, what to do: 'ack', 'nack',
-- 'extend' or 'release', its argument: the nack's delay ms, the extension's length ms
-- ('' = the queue's lease timeout), '' for the others}.
-- Replies settled {one value per group: -1 the lease was not held, 0 done, or an
-- extension's new expiry ms}, or missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local outcomes = {}
for i = 5, #ARGV, 3 do
  local lease, action = ARGV[i], ARGV[i + 1]
  local id = redis.call('HGET', LEASED, lease)
  if not id then
    table.insert(outcomes, -1)
  elseif action == 'extend' then
    local expiry = now + (tonumber(ARGV[i + 2]) or q.lease)
    redis.call('ZADD', LEASES, expiry, lease)
    table.insert(outcomes, expiry)
  else
    redis.call('ZREM', LEASES, lease)
    redis.call('HDEL', LEASED, lease)
    if action == 'ack' then
      forget(id) -- holders included
      changed = true
    elseif action == 'nack' then
      redis.call('HDEL', HOLDERS, id)
      requeue_failed(q, id, tonumber(ARGV[i + 2]))
    else
      redis.call('HDEL', HOLDERS, id)
      -- the consumer never got it: the attempt does not count
      redis.call('HINCRBY', ATTEMPTS, id, -1)
      if q.purging then
        dead_letter(q, id, 'purged')
      else
        redis.call('LPUSH', READY, id)
      end
      changed = true
    end
    table.insert(outcomes, 0)
  end
end
return reply(q, 'settled', unpack(outcomes))
