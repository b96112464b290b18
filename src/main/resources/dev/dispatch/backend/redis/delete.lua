-- delete: ARGV 5 '1' to discard the jobs. Every job still ready, delayed or leased goes
-- to the outbox (reason purged), or with discard is dropped with its data; the rest of
-- the queue's keys go (its idempotency keys expire with their window, and name a
-- generation no later queue of the name has). The outbox and the data of its jobs stay
-- until they are forwarded. Replies deleted {jobs purged or discarded}, missing.
local q = load()
if not q then
  return missing()
end
q.purging = true
local purged = 0
if ARGV[5] == '1' then
  purged = q.r + q.d + q.f
  for _, key in ipairs(ready_keys(q)) do
    each_chunk('LRANGE', key, forget_all)
  end
  each_chunk('ZRANGE', DELAYED, forget_all)
  each_leased_chunk(forget_all)
else
  purged = purge_waiting(q) + q.f
  each_leased_chunk(function(ids)
    dead_letter_all(q, ids, 'purged')
  end)
end
clear_ready(q)
redis.call('DEL', META, DELAYED, LEASES, busy_key())
local tail = { 0, 0, 0, 1, 1, q.capacity, q.o, tally.expired, tally.max, tally.purged, -1, 1, 0, 0, 0, 0, 0 }
redis.call('SPUBLISH', channel, caller)
return { 'deleted', tail, purged }
