-- close: ARGV 5 '1' for an immediate close. Replies closed {jobs purged by this call},
-- missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local purged = 0
if not q.closed then
  set(q, 'closed', true)
end
if ARGV[5] == '1' and not q.purging then
  set(q, 'purging', true)
  purged = purge_waiting(q)
end
return reply(q, 'closed', purged)
