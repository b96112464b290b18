-- retract: ARGV 5 job id, 6 the lease the put's hand-off gave it ('' none). A put
-- accepted for a request that was withdrawn meanwhile (its client went away): the job is
-- removed if nobody has taken it yet, or if it was handed to a take of the same replica
-- that never received it. Only jobs without an idempotency key are retracted. Replies
-- retracted, taken (too late: it stays accepted), missing.
local q = load()
if not q then
  return missing()
end
local id, lease = ARGV[5], ARGV[6]
if lease ~= '' and job_of(lease) == id and redis.call('ZREM', LEASES, lease) == 1 then
  count(q, 'f', -1)
  lease_ended(q, id)
elseif redis.call('ZREM', DELAYED, id) == 1 then
  count(q, 'd', -1)
elseif not remove_ready(q, id, redis.call('HGET', JOB .. id, 'y')) then
  return reply(q, 'taken')
end
redis.call('DEL', JOB .. id)
return reply(q, 'retracted')
