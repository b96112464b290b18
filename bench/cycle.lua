-- wrk script: each connection runs put -> take -> ack cycles on one queue, forever.
-- Run with as many threads as connections (wrk -t N -c N): the state below is per thread, so
-- one connection per thread keeps each connection's cycle its own.
-- BENCH_ROLE=produce only puts (each 201 counts as a cycle); BENCH_ROLE=consume only takes and
-- acks (each ack a cycle): producers on one replica and consumers on another (bench/replicas.sh).
-- BENCH_ROLE=autotake only takes, with ack=auto (each 200 counts as a cycle: bench/endpoints.sh).
-- BENCH_ROLE=drain only takes up to 100 jobs at a time, with ack=auto, waiting up to 1 s, and
-- 5 ms apart (each 200 counts as a cycle): it keeps a queue that producers fill from growing, in
-- few requests (bench/endpoints.sh).
-- BENCH_LANES=on puts each job in one of 16 fairness groups, at priority 4, 5 or 6, in turn
-- (so takes go through the turns of groups and priorities; bench/ab.sh's B_LANES).
local queue = os.getenv("BENCH_QUEUE") or "bench"
local lanes = os.getenv("BENCH_LANES") == "on"
local put_count = 0
local role = os.getenv("BENCH_ROLE") or "cycle"
-- BENCH_TOKEN: an API key (or JWT) sent as Authorization: Bearer on every request
local token = os.getenv("BENCH_TOKEN")
local function headers(extra)
  local all = extra or {}
  if token then all["Authorization"] = "Bearer " .. token end
  return all
end
local state = (role == "consume" or role == "autotake" or role == "drain") and "take" or "put"
local takePath = "/v1/queues/" .. queue .. "/leases?wait=5s" .. ((role == "autotake") and "&ack=auto" or "")
if role == "drain" then
  takePath = "/v1/queues/" .. queue .. "/leases?wait=1s&max=100&ack=auto"
end
local lease = nil
cycles = 0
errors = 0

function request()
  if state == "put" then
    local lane = ""
    if lanes then
      put_count = put_count + 1
      lane = "&group=g" .. (put_count % 16) .. "&priority=" .. (4 + put_count % 3)
    end
    return wrk.format("POST", "/v1/queues/" .. queue .. "/jobs?wait=5s" .. lane,
      headers({["Content-Type"] = "application/json"}), '{"n":1}')
  elseif state == "take" then
    return wrk.format("POST", takePath, headers(), "")
  else
    return wrk.format("POST", "/v1/queues/" .. queue .. "/leases/" .. lease .. "/ack", headers(), "")
  end
end

function response(status, headers, body)
  if state == "put" and status == 201 then
    if role == "produce" then
      cycles = cycles + 1
    else
      state = "take"
    end
  elseif state == "take" and status == 200 and (role == "autotake" or role == "drain") then
    cycles = cycles + 1
  elseif state == "take" and status == 200 then
    lease = string.match(body, '"leaseId":"([^"]+)"')
    state = "ack"
  elseif state == "ack" and status == 204 then
    cycles = cycles + 1
    state = (role == "consume") and "take" or "put"
  else
    -- a 204 take (nothing yet) is retried as is; anything else is counted
    if status ~= 204 then errors = errors + 1 end
  end
end

function delay()
  return (role == "drain") and 5 or 0
end

-- the totals wrk prints at the end: bench/totals.lua, beside this script
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "totals.lua")
totals("cycles")
