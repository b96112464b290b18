-- put_all (a batch put, all or nothing): ARGV 5 dedup window ms, 6 '1' if this try may
-- repeat one whose answer was lost (a parked batch's: its answer is remembered for the
-- window, a minute at least, under its first job's id, IDEM .. '!' .. id, and a repeat is
-- answered with it), then groups of {job id, payload, idempotency key ('' none), delay
-- ms, trace context ('' none), lane ('' the default)} from 7, in the batch's order. A job
-- whose key is known, or repeats the key of an earlier job of the batch, creates nothing
-- and answers that job. New jobs go to the tail (delayed ones
-- among the delayed), never to a take directly.
-- Replies accepted {{id, enqueued ms, 1 if it repeated a key else 0} per job}, closed,
-- full {the new jobs it needs room for} (no room for all of them now), too-big (more new
-- jobs than the capacity: it could never fit), missing.
local q = load()
if not q then
  return missing()
end
housekeep(q)
local window = tonumber(ARGV[5])
local marker = (ARGV[6] == '1') and (IDEM .. '!' .. ARGV[7]) or nil
if marker then
  local answered = redis.call('GET', marker)
  if answered then
    local jobs = {}
    for id, at, repeated in string.gmatch(answered, '([^\t\n]*)\t(%d+)\t(%d)') do
      table.insert(jobs, { id, tonumber(at), tonumber(repeated) })
    end
    return reply(q, 'accepted', unpack(jobs))
  end
end
local known = {}
local needed = 0
for i = 7, #ARGV, 6 do
  local key = ARGV[i + 2]
  if key == '' then
    needed = needed + 1
  elseif known[key] == nil then
    local original, at = known_key(q, key)
    if original then
      known[key] = { original, at }
    else
      known[key] = false
      needed = needed + 1
    end
  end
end
if needed > 0 then
  if q.closed then
    return reply(q, 'closed')
  end
  if needed > q.capacity then
    return reply(q, 'too-big')
  end
  if q.r + q.d + needed > q.capacity then
    return reply(q, 'full', needed)
  end
end
local jobs = {}
for i = 7, #ARGV, 6 do
  local id, payload, key, delay = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local original = key ~= '' and known[key]
  if original then
    table.insert(jobs, { original[1], original[2], 1 })
  else
    add_job(q, id, payload, key, delay, window, ARGV[i + 4], ARGV[i + 5])
    if key ~= '' then
      known[key] = { id, now }
    end
    table.insert(jobs, { id, now, 0 })
  end
end
if marker then
  local lines = {}
  for i, job in ipairs(jobs) do
    lines[i] = job[1] .. '\t' .. job[2] .. '\t' .. job[3]
  end
  redis.call('SET', marker, table.concat(lines, '\n'), 'PX', math.max(window, 60000))
end
return reply(q, 'accepted', unpack(jobs))
