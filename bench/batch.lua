-- wrk script: each connection runs batched cycles on one queue, forever: a batch put of
-- BENCH_BATCH (10) jobs -> a take of up to as many (max=BENCH_BATCH) -> one settle that acks all
-- it took (possibly fewer: another connection may have taken some). bench/cycle.lua does the same
-- one job at a time. Run with as many threads as connections (wrk -t N -c N): the state below is
-- per thread, so one connection per thread keeps each connection's cycle its own.
-- Counts jobs (acks the settle answered "done"), not requests. Every job's payload is {"n":1},
-- as in bench/cycle.lua.
local queue = os.getenv("BENCH_QUEUE") or "batch"
local batch = tonumber(os.getenv("BENCH_BATCH") or "10")
local entries = {}
for i = 1, batch do entries[i] = '{"payload":{"n":1}}' end
local json = {["Content-Type"] = "application/json"}
-- The requests that never change are rendered once, in init: wrk adds the Host header to
-- wrk.headers only just before it.
local put_request, take_request
function init(args)
  put_request = wrk.format("POST", "/v1/queues/" .. queue .. "/jobs/batch?wait=5s", json,
    "[" .. table.concat(entries, ",") .. "]")
  take_request = wrk.format("POST", "/v1/queues/" .. queue .. "/leases?wait=5s&max=" .. batch, {}, "")
end
local state = "put"
local leases = {}
jobs = 0
errors = 0

local function settle_request()
  local acks = {}
  for i, lease in ipairs(leases) do
    acks[i] = '{"lease":"' .. lease .. '","action":"ack"}'
  end
  return wrk.format("POST", "/v1/queues/" .. queue .. "/leases/settle", json, "[" .. table.concat(acks, ",") .. "]")
end

function request()
  if state == "put" then
    return put_request
  elseif state == "take" then
    return take_request
  else
    return settle_request()
  end
end

function response(status, headers, body)
  if state == "put" and status == 201 then
    state = "take"
  elseif state == "take" and status == 200 then
    leases = {}
    for lease in string.gmatch(body, '"leaseId":"([^"]+)"') do
      table.insert(leases, lease)
    end
    state = "settle"
  elseif state == "settle" and status == 200 then
    local done = 0
    for _ in string.gmatch(body, '"outcome":"done"') do done = done + 1 end
    jobs = jobs + done
    errors = errors + #leases - done
    state = "put"
  elseif state == "take" and status == 204 then
    -- nothing within the wait: take again
  else
    -- a failed put or take is retried; after a failed settle the cycle starts again
    errors = errors + 1
    if state == "settle" then state = "put" end
  end
end

-- the totals wrk prints at the end: bench/totals.lua, beside this script
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "totals.lua")
totals("jobs")
