-- settle leases, in order: from ARGV 5, groups of {lease id, what to do: 'ack', 'nack',
-- 'extend' or 'release', its argument: the nack's delay ms, the extension's length ms
-- ('' = the queue's lease timeout), '' for the others}.
-- Replies settled {one value per group: -1 the lease was not held, 0 done, or an
-- extension's new expiry ms}, or missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
return reply(q, 'settled', unpack(settle(q, 5, #ARGV)))
