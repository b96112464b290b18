-- define (create or reconfigure): ARGV 5 a fresh generation for a new queue,
-- 6 capacity, 7 lease ms, 8 attempts, 9 dead-letter queue ('' = default), 10 its
-- effective name ('' = none), 11 '1' to create only (leave an existing queue as it is), 12 most
-- leases in flight (0: no limit), 13 most jobs delivered per second (0: no limit), 14 most
-- leases in flight per group (0: no limit; set on a queue with leases held, each group's
-- are counted then).
-- With a generation in ARGV 2, only that queue is changed.
-- Replies created|updated|exists {generation}, missing.
local existing = redis.call('HGET', META, 'gen')
if gen ~= '' and existing ~= gen then
  return missing()
end
if existing and ARGV[11] == '1' then
  return { 'exists', {}, existing }
end
if existing then
  local q = load()
  set(q, 'capacity', tonumber(ARGV[6]))
  set(q, 'lease', tonumber(ARGV[7]))
  set(q, 'attempts', tonumber(ARGV[8]))
  set(q, 'dlq', ARGV[9])
  set(q, 'dlqto', ARGV[10])
  set(q, 'mif', tonumber(ARGV[12]))
  -- a limit per group set where there was none counts the leases held by group at once
  local per_group = tonumber(ARGV[14])
  local counting = per_group > 0 and q.mifg == 0
  if per_group == 0 or counting then
    redis.call('DEL', busy_key())
  end
  set(q, 'mifg', per_group)
  if counting then
    each_leased_chunk(function(ids)
      for _, id in ipairs(ids) do
        count_leases(q, group_of(redis.call('HGET', JOB .. id, 'y')), 1)
      end
    end)
  end
  -- a changed rate keeps the tokens its bucket had (up to its new size)
  local was, rps = q.rps, tonumber(ARGV[13])
  if was > 0 then
    fill(q)
  end
  set(q, 'rps', rps)
  if rps > 0 then
    set(q, 'tk', (was > 0) and math.min(bucket(rps), q.tk) or bucket(rps))
    set(q, 'tt', now)
  end
  return reply(q, 'updated', existing)
end
redis.call('HSET', META, 'gen', ARGV[5], 'capacity', ARGV[6], 'lease', ARGV[7], 'attempts', ARGV[8],
  'dlq', ARGV[9], 'dlqto', ARGV[10], 'closed', '0', 'purging', '0', 'paused', '0', 'due', -1, 'r', 0, 'd', 0, 'f', 0,
  'o', 0, 'mif', ARGV[12], 'rps', ARGV[13], 'tk', -1, 'tt', now, 'mifg', ARGV[14], 'pm', 0, 'pu', 0)
gen = ARGV[5]
return reply(load(), 'created', ARGV[5])
