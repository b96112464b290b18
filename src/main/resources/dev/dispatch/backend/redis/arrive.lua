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
-- one call per key for all the jobs that are new here
local seen, ids, payloads, attempts, enqueued, origins = {}, {}, {}, {}, {}, {}
for i = 10, #ARGV, 3 do
  local id = ARGV[i]
  if not seen[id] and redis.call('HEXISTS', PAYLOADS, id) == 0 then
    seen[id] = true
    table.insert(ids, id)
    table.insert(payloads, id)
    table.insert(payloads, ARGV[i + 1])
    table.insert(attempts, id)
    table.insert(attempts, 0)
    table.insert(enqueued, id)
    table.insert(enqueued, now)
    if ARGV[i + 2] ~= '' then
      table.insert(origins, id)
      table.insert(origins, ARGV[i + 2])
    end
  end
end
if #ids > 0 then
  redis.call('HSET', PAYLOADS, unpack(payloads))
  redis.call('HSET', ATTEMPTS, unpack(attempts))
  redis.call('HSET', ENQUEUED, unpack(enqueued))
  if #origins > 0 then
    redis.call('HSET', ORIGINS, unpack(origins))
  end
  redis.call('RPUSH', READY, unpack(ids))
end
changed = #ids > 0
return reply(q, 'arrived', existing, #ids, created)
