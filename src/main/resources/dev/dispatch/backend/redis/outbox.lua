-- outbox: ARGV 5 most entries, 6 payload bytes after which no more entries are taken (one
-- at least). Replies entries {1 if the round was cut short by either (more may wait) else
-- 0, then {id, target, reason, attempts, payload, origin or '', trace or '', lane or ''}... of the
-- jobs waiting to be forwarded to a dead-letter queue, oldest first}. Works on a deleted
-- queue too (its outbox outlives it).
local n, budget = tonumber(ARGV[5]), tonumber(ARGV[6])
local ids = redis.call('LRANGE', OUTBOX, 0, n - 1)
local out = {}
local more = #ids == n
for _, id in ipairs(ids) do
  local m = redis.call('HGET', OUTMETA, id)
  if m then
    local target, reason, attempts = string.match(m, '^(.*)\n(.*)\n(%d+)$')
    local job = redis.call('HMGET', JOB .. id, 'p', 'o', 't', 'y')
    local payload = job[1] or ''
    table.insert(out, { id, target, reason, attempts, payload, job[2] or '', job[3] or '', job[4] or '' })
    budget = budget - #payload
    if budget <= 0 then
      more = true
      break
    end
  end
end
return { 'entries', {}, more and 1 or 0, unpack(out) }
