-- retract: ARGV 5 job id, 6 idempotency key ('' none). A put accepted for a request that
-- was withdrawn meanwhile (its client went away): the job is removed if nobody has taken
-- it yet. Replies retracted, taken (too late: it stays accepted), missing.
local q = load()
if not q then
  return missing()
end
local id, key = ARGV[5], ARGV[6]
if redis.call('LREM', READY, -1, id) == 0 then
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
