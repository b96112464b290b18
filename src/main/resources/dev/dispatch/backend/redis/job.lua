-- job: ARGV 5 the job's id. Looks a job up without touching it. Replies job {state:
-- 'ready', 'delayed' or 'leased', payload, attempt, enqueued ms, due ms (delayed) or
-- lease expiry ms (leased) or -1, origin queue or false, reason or false, origin
-- attempts or false, trace or false, lane or false}, none (not in this queue: never, settled, or moved
-- to the dead-letter queue), missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local id = ARGV[5]
local job = redis.call('HMGET', JOB .. id, 'p', 'a', 'e', 'o', 't', 'l', 'y')
if not job[1] or redis.call('HEXISTS', OUTMETA, id) == 1 then
  -- settled, or leaving for the dead-letter queue (its data stays until it has arrived)
  return reply(q, 'none')
end
local state, at = 'ready', -1
local due = redis.call('ZSCORE', DELAYED, id)
if due then
  state, at = 'delayed', tonumber(due)
elseif job[6] then
  local expiry = redis.call('ZSCORE', LEASES, job[6])
  if expiry then
    state, at = 'leased', tonumber(expiry)
  end
end
local oq, oreason, oattempts, trace = origin_and_trace(job[4], job[5])
return reply(q, 'job', state, job[1], tonumber(job[2] or '0'), tonumber(job[3]), at, oq, oreason, oattempts, trace,
  job[7] or false)
