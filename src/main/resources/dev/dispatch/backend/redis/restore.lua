-- restore jobs settled at delivery whose consumer never got them: ARGV 5.. groups of
-- {id, payload, attempt, enqueued ms, origin or ''}, in delivery order. They go back to
-- the head in that order, the attempt not counted. Replies restored, missing.
local q = load()
if not q then
  return missing()
end
for i = #ARGV - 4, 5, -5 do
  local id = ARGV[i]
  redis.call('HSET', PAYLOADS, id, ARGV[i + 1])
  redis.call('HSET', ATTEMPTS, id, tonumber(ARGV[i + 2]) - 1)
  redis.call('HSET', ENQUEUED, id, ARGV[i + 3])
  if ARGV[i + 4] ~= '' then
    redis.call('HSET', ORIGINS, id, ARGV[i + 4])
  end
  if q.purging then
    dead_letter(q, id, 'purged')
  else
    redis.call('LPUSH', READY, id)
  end
end
changed = true
return reply(q, 'restored')
