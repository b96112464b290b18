-- redrive_pick (on a dead-letter queue): ARGV 5 most jobs, 6 how many home queues follow
-- (0: jobs from any), then only jobs from these queues, then only these ids (none: any).
-- Picks, without moving them, the ready jobs that came from another queue, oldest first.
-- Replies picked {id, origin queue}..., missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local max = tonumber(ARGV[5])
local after_homes = 7 + tonumber(ARGV[6])
local homes = nil
if after_homes > 7 then
  homes = {}
  for i = 7, after_homes - 1 do
    homes[ARGV[i]] = true
  end
end
local wanted = nil
if #ARGV >= after_homes then
  wanted = {}
  for i = after_homes, #ARGV do
    wanted[ARGV[i]] = true
  end
end
local out = {}
-- a chunk at a time: picking the first few of a large dead-letter queue reads only those
local CHUNK, start = 1000, 0
repeat
  local chunk = redis.call('LRANGE', READY, start, start + CHUNK - 1)
  for _, id in ipairs(chunk) do
    if #out >= max then
      break
    end
    if not wanted or wanted[id] then
      local origin = redis.call('HGET', ORIGINS, id)
      local home = origin and string.match(origin, '^(.*)\n.*\n%d+$')
      if home and (not homes or homes[home]) then
        table.insert(out, { id, home })
      end
    end
  end
  start = start + CHUNK
until #chunk < CHUNK or #out >= max
return reply(q, 'picked', unpack(out))
