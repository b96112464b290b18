-- take: ARGV 5 max, 6 lease ms ('' = the queue's), 7 '1' to settle at delivery, 8 the
-- token of the lease ids, 9.. leases to settle first, in groups as settle.lua takes them
-- (a consumer that settles what it finished and asks for more in one step).
-- Replies delivered {settled...} {job}... (see deliver and settle in the prelude), empty
-- {settled...} (also while paused), drained {settled...}, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local settled = settle(q, 9, #ARGV)
local jobs = deliver(q, tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7] == '1', ARGV[8])
if #jobs > 0 then
  return reply(q, 'delivered', settled, unpack(jobs))
end
LOOK = true
if drained(q) then
  return reply(q, 'drained', settled)
end
return reply(q, 'empty', settled)
