-- retract: ARGV 5 job id, 6 idempotency key ('' none), 7 the lease the put's hand-off gave
-- it ('' none). A put accepted for a request that was withdrawn meanwhile (its client went
-- away): the job is removed if nobody has taken it yet, or if it was handed to a take of
-- the same replica that never received it. Replies retracted, taken (too late: it stays
-- accepted), missing.
local q = load()
if not q then
  return missing()
end
local id, key, lease = ARGV[5], ARGV[6], ARGV[7]
if lease ~= '' and redis.call('HGET', LEASED, lease) == id then
  redis.call('ZREM', LEASES, lease)
  redis.call('HDEL', LEASED, lease)
elseif redis.call('ZREM', DELAYED, id) == 0 and redis.call('LREM', READY, -1, id) == 0 then
  return reply(q, 'taken')
end
forget(id)
if key ~= '' then
  local known = redis.call('HGET', IDEM, key)
  if known and string.sub(known, 1, #id + 1) == id .. '\n' then
    redis.call('HDEL', IDEM, key)
    redis.call('ZREM', IDEMEXP, key)
  end
end
changed = true
return reply(q, 'retracted')
