-- purge: throws every ready and delayed job away, with its data; leased ones stay.
-- Replies purged {how many}, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local n = 0
for _, id in ipairs(redis.call('LRANGE', READY, 0, -1)) do
  forget(id)
  n = n + 1
end
for _, id in ipairs(redis.call('ZRANGE', DELAYED, 0, -1)) do
  forget(id)
  n = n + 1
end
if n > 0 then
  redis.call('DEL', READY, DELAYED)
  changed = true
end
return reply(q, 'purged', n)
