-- arrive (dead letters, or redriven jobs, reaching this queue): ARGV 5..9 settings of the
-- queue if it must be created {generation, capacity, lease ms, attempts, dead-letter
-- queue ('' = none)}; then groups of {id, payload, origin "queue\nreason\nattempts" or '' (a redriven
-- job), trace or '', lane or ''} from 10. Jobs go to the tail whatever the capacity or closed state;
-- an id already here is not added twice.
-- Replies arrived {generation, jobs added, 1 if this created the queue}.
local existing = redis.call('HGET', META, 'gen')
local created = 0
if not existing then
  created = 1
  redis.call('HSET', META, 'gen', ARGV[5], 'capacity', ARGV[6], 'lease', ARGV[7], 'attempts', ARGV[8],
    'dlq', '', 'dlqto', ARGV[9], 'closed', '0', 'purging', '0', 'paused', '0', 'due', -1, 'r', 0, 'd', 0, 'f', 0,
    'o', 0, 'pm', 0, 'pu', 0)
  existing = ARGV[5]
end
gen = existing
local q = load()
local seen, added = {}, 0
for i = 10, #ARGV, 5 do
  local id = ARGV[i]
  if not seen[id] and redis.call('EXISTS', JOB .. id) == 0 then
    seen[id] = true
    added = added + 1
    store_job(id, ARGV[i + 1], 0, now, ARGV[i + 2], ARGV[i + 3], ARGV[i + 4])
    push_ready(q, id, ARGV[i + 4], false)
  end
end
return reply(q, 'arrived', existing, added, created)
