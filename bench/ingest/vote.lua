-- wrk script: every request is a different voter (one pre-minted token per line of args[1]).
-- Usage: wrk -s vote.lua URL -- TOKENS_FILE
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  tokens = {}
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  threads = tonumber(args[2] or "1")
  next_index = id
  body = '{"candidate":"harper"}'
end

function request()
  local token = tokens[(next_index % #tokens) + 1]
  next_index = next_index + threads
  return wrk.format("POST", "/api/v1/vote",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

function done(summary, latency, requests)
  io.write(string.format("JSON {\"requests\":%d,\"seconds\":%.3f,\"non2xx\":%d,\"errors\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
