-- redrive_out (on a dead-letter queue): ARGV 5.. pairs {id, the queue it goes back to}.
-- Each of them still ready leaves for the outbox, from which it is forwarded like a dead
-- letter (reason 'redrive': it arrives without an origin, at attempt 0); its data stays
-- until it has arrived. Replies moved {id}..., missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local target = {}
for i = 5, #ARGV, 2 do
  target[ARGV[i]] = ARGV[i + 1]
end
local moved = {}
for i = 5, #ARGV, 2 do
  local id, home = ARGV[i], ARGV[i + 1]
  if target[id] and remove_ready(q, id, redis.call('HGET', JOB .. id, 'y')) then
    target[id] = nil
    redis.call('RPUSH', OUTBOX, id)
    redis.call('HSET', OUTMETA, id, home .. '\nredrive\n0')
    table.insert(moved, id)
  end
end
count(q, 'o', #moved)
return reply(q, 'moved', unpack(moved))
