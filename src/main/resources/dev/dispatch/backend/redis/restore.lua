-- restore jobs settled at delivery whose consumer never got them: ARGV 5.. groups of
-- {id, payload, attempt, enqueued ms, origin or '', trace or '', lane or ''}, in delivery
-- order. They go back to the head of their lanes in that order, the attempt not counted. Replies restored, missing.
local q = load()
if not q then
  return missing()
end
for i = #ARGV - 6, 5, -7 do
  local id = ARGV[i]
  local fields = { 'p', ARGV[i + 1], 'a', tonumber(ARGV[i + 2]) - 1, 'e', ARGV[i + 3] }
  if ARGV[i + 4] ~= '' then
    table.insert(fields, 'o')
    table.insert(fields, ARGV[i + 4])
  end
  if ARGV[i + 5] ~= '' then
    table.insert(fields, 't')
    table.insert(fields, ARGV[i + 5])
  end
  if ARGV[i + 6] ~= '' then
    table.insert(fields, 'y')
    table.insert(fields, ARGV[i + 6])
  end
  redis.call('HSET', JOB .. id, unpack(fields))
  if q.purging then
    dead_letter_all(q, { id }, 'purged')
  else
    push_ready(q, id, ARGV[i + 6], true)
  end
end
return reply(q, 'restored')
