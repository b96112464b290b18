-- redrive_out (on a dead-letter queue): ARGV 5.. pairs {id, the queue it goes back to}.
-- Each of them still ready leaves for the outbox, from which it is forwarded like a dead
-- letter (reason 'redrive': it arrives without an origin, at attempt 0); its data stays
-- until it has arrived. One pass over the ready list, however many. Replies moved {id}...,
-- missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local target = {}
for i = 5, #ARGV, 2 do
  target[ARGV[i]] = ARGV[i + 1]
end
local moved, keep = {}, {}
for _, id in ipairs(redis.call('LRANGE', READY, 0, -1)) do
  local home = target[id]
  if home then
    target[id] = nil
    redis.call('RPUSH', OUTBOX, id)
    redis.call('HSET', OUTMETA, id, home .. '\nredrive\n0')
    table.insert(moved, id)
  else
    table.insert(keep, id)
  end
end
if #moved > 0 then
  redis.call('DEL', READY)
  in_chunks(keep, function(chunk)
    redis.call('RPUSH', READY, unpack(chunk))
  end)
  count(q, 'r', -#moved)
  count(q, 'o', #moved)
end
return reply(q, 'moved', unpack(moved))
