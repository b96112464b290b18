-- pause or resume delivery: ARGV 5 '1' to pause, '0' to resume. Replies done {1 if
-- that changed the queue, else 0}, missing. Resuming wakes parked takes everywhere.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local pause = ARGV[5] == '1'
if q.paused == pause then
  return reply(q, 'done', 0)
end
set(q, 'paused', pause)
return reply(q, 'done', 1)
