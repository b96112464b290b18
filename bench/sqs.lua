-- wrk script for an SQS-compatible server (ElasticMQ, bench/peer.sh): each connection runs
-- send -> receive -> delete cycles on one queue, forever, the peer of bench/cycle.lua and
-- bench/batch.lua. Run with as many threads as connections (wrk -t N -c N): the state below is
-- per thread, so one connection per thread keeps each connection's cycle its own.
-- BENCH_QUEUE_URL: the queue's URL, as CreateQueue answered it (required).
-- BENCH_BATCH (1): messages per cycle. 1: SendMessage -> ReceiveMessage (MaxNumberOfMessages=1)
--   -> DeleteMessage. 2..10: SendMessageBatch -> ReceiveMessage (MaxNumberOfMessages=BENCH_BATCH)
--   -> DeleteMessageBatch of what the receive returned (possibly fewer).
-- BENCH_PROTOCOL (json): json, AWS's JSON protocol (X-Amz-Target: AmazonSQS.<Action>, the one
--   current SDKs speak), or query, the older form-encoded protocol that answers in XML.
-- Every message's body is {"n":1}, the payload bench/cycle.lua puts. A receive waits up to 5 s
-- (WaitTimeSeconds=5), as Dispatch's takes do (wait=5s). Counts jobs (messages deleted), not
-- requests.
local queue_url = os.getenv("BENCH_QUEUE_URL") or error("BENCH_QUEUE_URL is not set")
local batch = tonumber(os.getenv("BENCH_BATCH") or "1")
local protocol = os.getenv("BENCH_PROTOCOL") or "json"
local body = '{"n":1}'
local state = "send"
local handles = {}
jobs = 0
errors = 0

local function form_escape(text)
  return (string.gsub(text, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function json_string(text)
  return '"' .. string.gsub(text, '["\\]', "\\%0") .. '"'
end

-- One request of the given action on the queue; fields: the rest of the body, already rendered
-- (",\"Name\":value..." in JSON, "&Name=value..." in the query protocol).
local function json_request(action, fields)
  return wrk.format("POST", "/",
    {["Content-Type"] = "application/x-amz-json-1.0", ["X-Amz-Target"] = "AmazonSQS." .. action},
    '{"QueueUrl":' .. json_string(queue_url) .. fields .. "}")
end

local function query_request(action, fields)
  return wrk.format("POST", "/", {["Content-Type"] = "application/x-www-form-urlencoded"},
    "Action=" .. action .. "&QueueUrl=" .. form_escape(queue_url) .. fields)
end

-- The requests that never change are rendered once, in init: wrk adds the Host header to
-- wrk.headers only just before it.
local send_request, receive_request
function init(args)
  if protocol == "json" then
    if batch == 1 then
      send_request = json_request("SendMessage", ',"MessageBody":' .. json_string(body))
    else
      local entries = {}
      for i = 1, batch do
        entries[i] = '{"Id":"' .. i .. '","MessageBody":' .. json_string(body) .. "}"
      end
      send_request = json_request("SendMessageBatch", ',"Entries":[' .. table.concat(entries, ",") .. "]")
    end
    receive_request = json_request("ReceiveMessage", ',"MaxNumberOfMessages":' .. batch .. ',"WaitTimeSeconds":5')
  elseif protocol == "query" then
    if batch == 1 then
      send_request = query_request("SendMessage", "&MessageBody=" .. form_escape(body))
    else
      local entries = {}
      for i = 1, batch do
        entries[i] = "&SendMessageBatchRequestEntry." .. i .. ".Id=" .. i
          .. "&SendMessageBatchRequestEntry." .. i .. ".MessageBody=" .. form_escape(body)
      end
      send_request = query_request("SendMessageBatch", table.concat(entries))
    end
    receive_request = query_request("ReceiveMessage", "&MaxNumberOfMessages=" .. batch .. "&WaitTimeSeconds=5")
  else
    error("BENCH_PROTOCOL is json or query, not " .. protocol)
  end
end

-- In batches, always DeleteMessageBatch, even of one message, as Dispatch's batch settle.
local function delete_request()
  if protocol == "json" then
    if batch == 1 then
      return json_request("DeleteMessage", ',"ReceiptHandle":' .. json_string(handles[1]))
    end
    local entries = {}
    for i, handle in ipairs(handles) do
      entries[i] = '{"Id":"' .. i .. '","ReceiptHandle":' .. json_string(handle) .. "}"
    end
    return json_request("DeleteMessageBatch", ',"Entries":[' .. table.concat(entries, ",") .. "]")
  end
  if batch == 1 then
    return query_request("DeleteMessage", "&ReceiptHandle=" .. form_escape(handles[1]))
  end
  local entries = {}
  for i, handle in ipairs(handles) do
    entries[i] = "&DeleteMessageBatchRequestEntry." .. i .. ".Id=" .. i
      .. "&DeleteMessageBatchRequestEntry." .. i .. ".ReceiptHandle=" .. form_escape(handle)
  end
  return query_request("DeleteMessageBatch", table.concat(entries))
end

function request()
  if state == "send" then
    return send_request
  elseif state == "receive" then
    return receive_request
  else
    return delete_request()
  end
end

-- Receipt handles are UUIDs joined by '#' here: no JSON or XML escapes to undo.
local handle_pattern = protocol == "json" and '"ReceiptHandle":"([^"]+)"' or "<ReceiptHandle>([^<]+)</ReceiptHandle>"
-- entries a DeleteMessageBatch could not delete (it answers 200 all the same)
local failed_pattern = protocol == "json" and '"SenderFault":' or "<BatchResultErrorEntry>"

function response(status, headers, body)
  if status ~= 200 then
    -- a failed delete is counted and the cycle starts again; a failed send or receive is retried
    errors = errors + 1
    if state == "delete" then state = "send" end
  elseif state == "send" then
    state = "receive"
  elseif state == "receive" then
    handles = {}
    for handle in string.gmatch(body, handle_pattern) do
      table.insert(handles, handle)
    end
    -- nothing within the wait: receive again
    if #handles > 0 then state = "delete" end
  else
    local failed = 0
    if batch > 1 then
      for _ in string.gmatch(body, failed_pattern) do failed = failed + 1 end
    end
    jobs = jobs + #handles - failed
    errors = errors + failed
    state = "send"
  end
end

-- the totals wrk prints at the end: bench/totals.lua, beside this script
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "totals.lua")
totals("jobs")
