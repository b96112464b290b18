-- snapshot (and the look at the next due time): no own arguments.
-- Replies state {capacity, lease ms, attempts, dead-letter queue or '', enqueued ms of
-- the oldest of the first 10 ready jobs (by lane) or -1, drained 0|1, most leases in
-- flight or 0, the dead-letter queue's effective name or '' for none}, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local oldest = -1
if q.r > 0 then
  local looked = 0
  for _, key in ipairs(ready_keys(q)) do
    for _, id in ipairs(redis.call('LRANGE', key, 0, 9 - looked)) do
      looked = looked + 1
      local ms = tonumber(redis.call('HGET', JOB .. id, 'e'))
      if ms and (oldest < 0 or ms < oldest) then
        oldest = ms
      end
    end
    if looked >= 10 then
      break
    end
  end
end
return reply(q, 'state', q.capacity, q.lease, q.attempts, q.dlq, oldest, drained(q) and 1 or 0, q.mif, q.dlqto)
