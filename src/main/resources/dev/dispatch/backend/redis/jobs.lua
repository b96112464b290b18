-- jobs: ARGV 5 state ('ready', 'delayed' or 'leased'), 6 the last id of the previous page
-- ('' = from the start), 7 most jobs. Lists jobs in that state without touching them, by
-- id (creation order). Queue order is not id order (a failed job goes back to the head),
-- so every id of the state is looked at, a chunk at a time, keeping only the page's worth
-- of smallest ones: one pass, no sort of the whole state, no table as large as the queue
-- (the console asks for a page every 1.5 s while an operator watches a queue).
-- Replies jobs {id, payload, attempt, enqueued ms, due or lease expiry ms or -1, origin
-- queue or false, reason or false, origin attempts or false, trace or false, lane or
-- false}..., missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local state, after, limit = ARGV[5], ARGV[6], tonumber(ARGV[7])
-- the smallest ids above after seen so far, ascending, at most limit of them
local page = {}
local function consider(id)
  if (after ~= '' and id <= after) or (#page == limit and id >= page[limit]) then
    return
  end
  local low, high = 1, #page + 1
  while low < high do
    local middle = math.floor((low + high) / 2)
    if page[middle] < id then
      low = middle + 1
    else
      high = middle
    end
  end
  table.insert(page, low, id)
  if #page > limit then
    table.remove(page)
  end
end
if state == 'leased' then
  -- one id per lease held: as many as consumers hold, not a backlog
  each_leased_chunk(function(ids)
    for _, id in ipairs(ids) do
      consider(id)
    end
  end)
elseif state == 'delayed' then
  each_id('ZRANGE', DELAYED, consider)
else
  for _, key in ipairs(ready_keys(q)) do
    each_id('LRANGE', key, consider)
  end
end
local out = {}
for i = 1, #page do
  local id = page[i]
  local job = redis.call('HMGET', JOB .. id, 'p', 'a', 'e', 'o', 't', 'l', 'y')
  local at = -1
  if state == 'delayed' then
    at = tonumber(redis.call('ZSCORE', DELAYED, id))
  elseif state == 'leased' and job[6] then
    at = tonumber(redis.call('ZSCORE', LEASES, job[6]) or -1)
  end
  local oq, oreason, oattempts, trace = origin_and_trace(job[4], job[5])
  table.insert(out,
    { id, job[1], tonumber(job[2] or '0'), tonumber(job[3]), at, oq, oreason, oattempts, trace, job[7] or false })
end
return reply(q, 'jobs', unpack(out))
