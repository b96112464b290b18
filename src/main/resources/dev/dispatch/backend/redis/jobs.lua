-- jobs: ARGV 5 state ('ready', 'delayed' or 'leased'), 6 the last id of the previous page
-- ('' = from the start), 7 most jobs. Lists jobs in that state without touching them, by
-- id (creation order). Reads the whole state's list: an operator's tool, not a hot path.
-- Replies jobs {id, payload, attempt, enqueued ms, due or lease expiry ms or -1, origin
-- queue or false, reason or false, origin attempts or false}..., missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local state, after, limit = ARGV[5], ARGV[6], tonumber(ARGV[7])
local ids
if state == 'ready' then
  ids = redis.call('LRANGE', READY, 0, -1)
elseif state == 'delayed' then
  ids = redis.call('ZRANGE', DELAYED, 0, -1)
else
  ids = redis.call('HVALS', LEASED)
end
local page = {}
for _, id in ipairs(ids) do
  if after == '' or id > after then
    table.insert(page, id)
  end
end
table.sort(page)
local out = {}
for i = 1, math.min(limit, #page) do
  local id = page[i]
  local at = -1
  if state == 'delayed' then
    at = tonumber(redis.call('ZSCORE', DELAYED, id))
  elseif state == 'leased' then
    local lease = redis.call('HGET', HOLDERS, id)
    at = tonumber(lease and redis.call('ZSCORE', LEASES, lease) or -1)
  end
  local oq, oreason, oattempts = false, false, false
  local origin = redis.call('HGET', ORIGINS, id)
  if origin then
    oq, oreason, oattempts = string.match(origin, '^(.*)\n(.*)\n(%d+)$')
  end
  table.insert(out, { id, redis.call('HGET', PAYLOADS, id), tonumber(redis.call('HGET', ATTEMPTS, id) or '0'),
    tonumber(redis.call('HGET', ENQUEUED, id)), at, oq, oreason, oattempts })
end
return reply(q, 'jobs', unpack(out))
