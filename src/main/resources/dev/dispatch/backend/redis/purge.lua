-- purge: throws every ready and delayed job away, with its data; leased ones stay.
-- Replies purged {how many}, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local n = q.r + q.d
each_chunk('LRANGE', READY, forget_all)
each_chunk('ZRANGE', DELAYED, forget_all)
if n > 0 then
  redis.call('DEL', READY, DELAYED)
  set(q, 'r', 0)
  set(q, 'd', 0)
end
return reply(q, 'purged', n)
