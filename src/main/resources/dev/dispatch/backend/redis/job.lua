-- job: ARGV 5 the job's id. Looks a job up without touching it. Replies job {state:
-- 'ready', 'delayed' or 'leased', payload, attempt, enqueued ms, due ms (delayed) or
-- lease expiry ms (leased) or -1, origin queue or false, reason or false, origin
-- attempts or false}, none (not in this queue: never, settled, or moved to the
-- dead-letter queue), missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local id = ARGV[5]
local payload = redis.call('HGET', PAYLOADS, id)
if not payload or redis.call('HEXISTS', OUTMETA, id) == 1 then
  -- settled, or leaving for the dead-letter queue (its data stays until it has arrived)
  return reply(q, 'none')
end
local attempt = tonumber(redis.call('HGET', ATTEMPTS, id) or '0')
local enq = tonumber(redis.call('HGET', ENQUEUED, id))
local oq, oreason, oattempts = false, false, false
local origin = redis.call('HGET', ORIGINS, id)
if origin then
  oq, oreason, oattempts = string.match(origin, '^(.*)\n(.*)\n(%d+)$')
end
local state, at = 'ready', -1
local due = redis.call('ZSCORE', DELAYED, id)
local lease = redis.call('HGET', HOLDERS, id)
if due then
  state, at = 'delayed', tonumber(due)
elseif lease then
  local expiry = redis.call('ZSCORE', LEASES, lease)
  if expiry then
    state, at = 'leased', tonumber(expiry)
  end
end
return reply(q, 'job', state, payload, attempt, enq, at, oq, oreason, oattempts)
