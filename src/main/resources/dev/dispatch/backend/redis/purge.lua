-- purge: throws every ready and delayed job away, with its data; leased ones stay.
-- Replies purged {how many}, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local n = q.r + q.d
for _, key in ipairs(ready_keys(q)) do
  each_chunk('LRANGE', key, forget_all)
end
each_chunk('ZRANGE', DELAYED, forget_all)
if n > 0 then
  clear_ready(q)
  redis.call('DEL', DELAYED)
  set(q, 'd', 0)
end
return reply(q, 'purged', n)
