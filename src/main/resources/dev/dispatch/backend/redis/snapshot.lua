-- snapshot (and the look at the next due time): no own arguments.
-- Replies state {capacity, lease ms, attempts, dead-letter queue or '', enqueued ms of
-- the oldest of the first 10 ready jobs (by lane) or -1, drained 0|1, most leases in
-- flight or 0, groups with ready jobs (of the first 1000 in turn order), {group, ready
-- jobs}... of the 10 with the most (the default group as ''), the dead-letter queue's
-- effective name or '' for none, most jobs delivered per second or 0, most leases in
-- flight per group or 0}, missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
LOOK = true
local oldest = -1
if q.r > 0 then
  local looked = 0
  for _, key in ipairs(ready_keys(q)) do
    for _, id in ipairs(redis.call('LRANGE', key, 0, 9 - looked)) do
      looked = looked + 1
      local ms = tonumber(redis.call('HGET', JOB .. id, 'e'))
      if ms and (oldest < 0 or ms < oldest) then
        oldest = ms
      end
    end
    if looked >= 10 then
      break
    end
  end
end
local groups, largest = 0, {}
if q.m == 0 then
  if q.r > 0 then
    groups, largest = 1, { '', q.r }
  end
else
  local counts, names, looked = {}, {}, 0
  for p = 9, 1, -1 do
    local this_round, next_round = turns(p)
    for _, list in ipairs({ this_round, next_round }) do
      for _, g in ipairs(redis.call('LRANGE', list, 0, 999 - looked)) do
        local n = (p == 5 and g == '') and (q.r - q.m) or redis.call('LLEN', lane_key(p, g))
        if not counts[g] then
          counts[g] = 0
          table.insert(names, g)
        end
        counts[g] = counts[g] + n
        looked = looked + 1
      end
    end
  end
  groups = #names
  table.sort(names, function(a, b)
    if counts[a] ~= counts[b] then
      return counts[a] > counts[b]
    end
    return a < b
  end)
  for i = 1, math.min(10, #names) do
    table.insert(largest, names[i])
    table.insert(largest, counts[names[i]])
  end
end
return reply(q, 'state', q.capacity, q.lease, q.attempts, q.dlq, oldest, drained(q) and 1 or 0, q.mif, groups,
  largest, q.dlqto, q.rps, q.mifg)
