-- redrive_pick (on a dead-letter queue): ARGV 5 most jobs, 6.. only these ids (none:
-- any). Picks, without moving them, the ready jobs that came from another queue, oldest
-- first. Replies picked {id, origin queue}..., missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local max = tonumber(ARGV[5])
local wanted = nil
if #ARGV >= 6 then
  wanted = {}
  for i = 6, #ARGV do
    wanted[ARGV[i]] = true
  end
end
local out = {}
for _, id in ipairs(redis.call('LRANGE', READY, 0, -1)) do
  if #out >= max then
    break
  end
  if not wanted or wanted[id] then
    local origin = redis.call('HGET', ORIGINS, id)
    if origin then
      table.insert(out, { id, string.match(origin, '^(.*)\n.*\n%d+$') })
    end
  end
end
return reply(q, 'picked', unpack(out))
