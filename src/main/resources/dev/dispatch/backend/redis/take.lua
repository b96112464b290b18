-- take: ARGV 5 max, 6 lease ms ('' = the queue's), 7 '1' to settle at delivery,
-- 8.. one fresh lease id per job that may be delivered.
-- Replies delivered {job}... (see deliver in the prelude), empty (also while paused),
-- drained, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
if not q.paused then
  local jobs = deliver(q, tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7] == '1', 8)
  if #jobs > 0 then
    return reply(q, 'delivered', unpack(jobs))
  end
end
if q.closed and (q.purging or redis.call('HLEN', LEASED) == 0 and waiting() == 0) then
  return reply(q, 'drained')
end
return reply(q, 'empty')
