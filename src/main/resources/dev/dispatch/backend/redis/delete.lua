-- delete: ARGV 5 '1' to discard the jobs. Every job still ready, delayed or leased goes
-- to the outbox (reason purged), or with discard is dropped with its data; the rest of
-- the queue's keys go. The outbox and the data of its jobs stay until they are
-- forwarded. Replies deleted {jobs purged or discarded}, missing.
local q = load()
if not q then
  return missing()
end
q.purging = true
local purged = 0
if ARGV[5] == '1' then
  purged = waiting() + redis.call('HLEN', LEASED)
  each_chunk('LRANGE', READY, forget_all)
  each_chunk('ZRANGE', DELAYED, forget_all)
  in_chunks(redis.call('HVALS', LEASED), forget_all)
  redis.call('DEL', READY, DELAYED)
else
  purged = purge_waiting(q)
  local leased = redis.call('HVALS', LEASED)
  in_chunks(leased, function(chunk)
    dead_letter_all(q, chunk, 'purged')
  end)
  purged = purged + #leased
end
redis.call('DEL', META, LEASES, LEASED, IDEM, IDEMEXP, HOLDERS)
changed = true
local tail = { 0, 0, 0, 1, 1, q.capacity, redis.call('LLEN', OUTBOX), tally.expired, tally.max, tally.purged, -1, 1,
  0 }
redis.call('SPUBLISH', channel, caller)
return { 'deleted', tail, purged }
