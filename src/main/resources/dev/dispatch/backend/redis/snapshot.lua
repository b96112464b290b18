-- snapshot (and the look at the next due time): no own arguments.
-- Replies state {capacity, lease ms, attempts, dead-letter queue or '', enqueued ms of
-- the oldest of the first 10 ready jobs or -1, drained 0|1}, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local oldest = -1
if q.r > 0 then
  for _, id in ipairs(redis.call('LRANGE', READY, 0, 9)) do
    local ms = tonumber(redis.call('HGET', JOB .. id, 'e'))
    if ms and (oldest < 0 or ms < oldest) then
      oldest = ms
    end
  end
end
return reply(q, 'state', q.capacity, q.lease, q.attempts, q.dlq, oldest, drained(q) and 1 or 0)
