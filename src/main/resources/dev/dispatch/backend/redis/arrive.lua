-- arrive (dead letters reaching this queue): ARGV 5..9 settings of the queue if it must
-- be created {generation, capacity, lease ms, attempts, dead-letter queue}; then groups
-- of {id, payload, origin "queue\nreason\nattempts" or '' (a redriven job)} from 10. Jobs go to the
-- tail whatever the capacity or closed state; an id already here is not added twice.
-- Replies arrived {generation, jobs added, 1 if this created the queue}.
local existing = redis.call('HGET', META, 'gen')
local created = 0
if not existing then
  created = 1
  redis.call('HSET', META, 'gen', ARGV[5], 'capacity', ARGV[6], 'lease', ARGV[7], 'attempts', ARGV[8],
    'dlq', '', 'dlqto', ARGV[9], 'closed', '0', 'purging', '0')
  existing = ARGV[5]
end
gen = existing
local q = load()
local added = 0
for i = 10, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('HEXISTS', PAYLOADS, id) == 0 then
    redis.call('HSET', PAYLOADS, id, ARGV[i + 1])
    redis.call('HSET', ATTEMPTS, id, 0)
    redis.call('HSET', ENQUEUED, id, now)
    if ARGV[i + 2] ~= '' then
      redis.call('HSET', ORIGINS, id, ARGV[i + 2])
    end
    redis.call('RPUSH', READY, id)
    added = added + 1
  end
end
changed = added > 0
return reply(q, 'arrived', existing, added, created)
