-- close: ARGV 5 '1' for an immediate close. Replies closed {jobs purged by this call},
-- missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local purged = 0
if not q.closed then
  redis.call('HSET', META, 'closed', '1')
  q.closed = true
  changed = true
end
if ARGV[5] == '1' and not q.purging then
  redis.call('HSET', META, 'purging', '1')
  q.purging = true
  purged = purge_waiting(q)
  changed = true
end
return reply(q, 'closed', purged)
