-- wrk script: each connection runs put -> settle-and-take cycles on one queue, forever: it puts a
-- job, then in one request acks the job it holds and takes the next
-- (POST /v1/queues/{q}/leases/settle?take=1&wait=5s with [{"lease": ..., "action": "ack"}], or []
-- the first time), which it holds while it puts again. Two requests per job where
-- bench/cycle.lua's put -> take -> ack makes three: a consumer loop of one job at a time.
-- Run with as many threads as connections (wrk -t N -c N): the state below is per thread, so
-- one connection per thread keeps each connection's cycle its own.
-- Counts jobs (acks the settle answered "done"), not requests. Every job's payload is {"n":1},
-- as in bench/cycle.lua. An answer without a job (none arrived within the wait) is a take to
-- retry, without a put: the job this connection put went to another.
local queue = os.getenv("BENCH_QUEUE") or "settle"
local json = {["Content-Type"] = "application/json"}
local settle_path = "/v1/queues/" .. queue .. "/leases/settle?take=1&wait=5s"
-- Rendered once, in init: wrk adds the Host header to wrk.headers only just before it.
local put_request
function init(args)
  put_request = wrk.format("POST", "/v1/queues/" .. queue .. "/jobs?wait=5s", json, '{"n":1}')
end
local state = "put"
local lease = nil
jobs = 0
errors = 0

function request()
  if state == "put" then
    return put_request
  end
  local body = "[]"
  if lease then body = '[{"lease":"' .. lease .. '","action":"ack"}]' end
  return wrk.format("POST", settle_path, json, body)
end

function response(status, headers, body)
  if state == "put" then
    if status == 201 then state = "settle" else errors = errors + 1 end
    return
  end
  if status == 200 then
    if lease then
      if string.find(body, '"outcome":"done"', 1, true) then jobs = jobs + 1 else errors = errors + 1 end
    end
    lease = string.match(body, '"leaseId":"([^"]+)"')
    -- with a job, put the next; without one, take again
    if lease then state = "put" end
  elseif status == 204 and not lease then
    -- nothing arrived within the wait: take again
  else
    -- the settlement's fate is unknown: count it and start again with an empty one
    errors = errors + 1
    lease = nil
  end
end

-- the totals wrk prints at the end: bench/totals.lua, beside this script
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "totals.lua")
totals("jobs")
