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
local function pick(id)
  if not wanted or wanted[id] then
    local origin = redis.call('HGET', JOB .. id, 'o')
    local home = origin and string.match(origin, '^(.*)\n.*\n%d+$')
    if home and (not homes or homes[home]) then
      table.insert(out, { id, home })
    end
  end
  return #out >= max
end
for _, key in ipairs(ready_keys(q)) do
  if #out >= max then
    break
  end
  each_id('LRANGE', key, pick)
end
return reply(q, 'picked', unpack(out))
