-- many: several puts, takes and settles of one queue in one call, run in order, each as it
-- would run alone (a replica sends together those that came while its last call was out):
-- ARGV 5.. per operation its name ('put', 'take' or 'settle'), the number n of its own
-- arguments, then those (what its ARGV 5 .. 4 + n would be).
-- Replies many {status, false, values...} per operation (its reply without a state), with
-- the state after them all, or missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local all, replies, i = ARGV, {}, 5
BATCH = q
while i <= #all do
  local op, n = all[i], tonumber(all[i + 1])
  local sub = { all[1], all[2], all[3], all[4] }
  for j = 1, n do
    sub[4 + j] = all[i + 1 + j]
  end
  ARGV = sub
  replies[#replies + 1] = OPS[op]()
  i = i + 2 + n
end
BATCH = nil
ARGV = all
return reply(q, 'many', unpack(replies))
