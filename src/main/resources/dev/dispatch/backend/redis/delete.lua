-- delete: every job still ready, delayed or leased goes to the outbox (reason purged),
-- the rest of the queue's keys go. The outbox and the data of its jobs stay until they
-- are forwarded. Replies deleted {jobs purged}, missing.
local q = load()
if not q then
  return missing()
end
q.purging = true
local purged = purge_waiting(q)
for _, id in ipairs(redis.call('HVALS', LEASED)) do
  dead_letter(q, id, 'purged')
  purged = purged + 1
end
redis.call('DEL', META, LEASES, LEASED, IDEM, IDEMEXP)
changed = true
local tail = { 0, 0, 0, 1, 1, q.capacity, redis.call('LLEN', OUTBOX), tally.expired, tally.max, tally.purged, -1, 1 }
redis.call('SPUBLISH', channel, caller)
return { 'deleted', tail, purged }
