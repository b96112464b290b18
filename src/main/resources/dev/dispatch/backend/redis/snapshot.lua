-- snapshot (and the sweep of due leases and delayed jobs): no own arguments.
-- Replies state {capacity, lease ms, attempts, dead-letter queue or '', enqueued ms of
-- the oldest of the first 100 ready jobs or -1, drained 0|1}, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local oldest = -1
local head = redis.call('LRANGE', READY, 0, 99)
if #head > 0 then
  for _, at in ipairs(redis.call('HMGET', ENQUEUED, unpack(head))) do
    local ms = tonumber(at)
    if ms and (oldest < 0 or ms < oldest) then
      oldest = ms
    end
  end
end
local drained = q.closed and (q.purging or (waiting() == 0 and redis.call('HLEN', LEASED) == 0))
return reply(q, 'state', q.capacity, q.lease, q.attempts, q.dlq, oldest, drained and 1 or 0)
