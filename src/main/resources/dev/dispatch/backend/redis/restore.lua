-- restore jobs settled at delivery whose consumer never got them: ARGV 5.. groups of
-- {id, payload, attempt, enqueued ms, origin or '', trace or '', lane or ''}, in delivery
-- order. They go back to the head of their lanes in that order, the attempt not counted. Replies restored, missing.
local q = load()
if not q then
  return missing()
end
for i = #ARGV - 6, 5, -7 do
  local id = ARGV[i]
  store_job(id, ARGV[i + 1], tonumber(ARGV[i + 2]) - 1, ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6])
  if q.purging then
    dead_letter_all(q, { id }, 'purged')
  else
    push_ready(q, id, ARGV[i + 6], true)
  end
end
return reply(q, 'restored')
