-- outbox: ARGV 5 most entries. Replies entries {id, target, reason, attempts, payload,
-- origin or ''}... of the jobs waiting to be forwarded to a dead-letter queue, oldest
-- first. Works on a deleted queue too (its outbox outlives it).
local n = tonumber(ARGV[5])
local out = {}
for _, id in ipairs(redis.call('LRANGE', OUTBOX, 0, n - 1)) do
  local m = redis.call('HGET', OUTMETA, id)
  if m then
    local target, reason, attempts = string.match(m, '^(.*)\n(.*)\n(%d+)$')
    table.insert(out, { id, target, reason, attempts, redis.call('HGET', PAYLOADS, id) or '', redis.call('HGET', ORIGINS, id) or '' })
  end
end
return { 'entries', {}, unpack(out) }
