-- Shared by the wrk scripts that count their own work per connection (cycle.lua, batch.lua,
-- settle_take.lua, sqs.lua), loaded by each with dofile. Each thread of such a script keeps two
-- global counters, the one it names (cycles, jobs) and `errors`; totals(name) makes wrk's done()
-- add them up over the threads and print
--   NAME: N (R/s), unexpected answers: E
-- the line the harnesses and their summaries read.
threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function totals(name)
  function done(summary, latency, requests)
    local total, failed = 0, 0
    for _, thread in ipairs(threads) do
      total = total + thread:get(name)
      failed = failed + thread:get("errors")
    end
    local seconds = summary.duration / 1e6
    io.write(string.format("%s: %d (%.0f/s), unexpected answers: %d\n", name, total, total / seconds, failed))
  end
end
