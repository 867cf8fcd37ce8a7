-- wrk script for `make bench`: rotates through a file of prepared requests and prints one
-- machine-readable result line, so bench/wrk.py never has to scrape wrk's human output.
--
-- The requests file has one request per line, tab-separated:
--   METHOD <TAB> PATH <TAB> BODY <TAB> Header-Name: value <TAB> ...
-- (BODY may be empty). Every request is built once in init(), so request() only picks one.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split_tabs(line)
  local fields = {}
  local start = 1
  while true do
    local i = string.find(line, "\t", start, true)
    if not i then
      table.insert(fields, string.sub(line, start))
      return fields
    end
    table.insert(fields, string.sub(line, start, i - 1))
    start = i + 1
  end
end

local prepared = {}
local position = 1

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open requests file " .. tostring(args[1]))
  for line in file:lines() do
    if line ~= "" then
      local f = split_tabs(line)
      local headers = {}
      for i = 4, #f do
        local name, value = string.match(f[i], "^([^:]+):%s*(.*)$")
        if name then headers[name] = value end
      end
      local body = f[3]
      if body == nil or body == "" then body = nil end
      table.insert(prepared, wrk.format(f[1], f[2], headers, body))
    end
  end
  file:close()
  assert(#prepared > 0, "no requests in " .. args[1])
  -- Threads start at different offsets so they do not walk the list in lockstep.
  position = ((id or 1) * 7919) % #prepared + 1
  statuses = {}
  non2xx = 0
end

function request()
  local r = prepared[position]
  position = position + 1
  if position > #prepared then position = 1 end
  return r
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_non2xx = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    total_non2xx = total_non2xx + (thread:get("non2xx") or 0)
    local s = thread:get("statuses")
    if s then
      for k, v in pairs(s) do by_status[k] = (by_status[k] or 0) + v end
    end
  end
  local parts = {}
  for k, v in pairs(by_status) do
    table.insert(parts, string.format('"%s":%d', k, v))
  end
  local pct = {}
  for _, p in ipairs({50, 75, 90, 95, 99, 99.9}) do
    table.insert(pct, string.format('"%s":%d', tostring(p), latency:percentile(p)))
  end
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"non2xx":%d,"statuses":{%s},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"stdev":%.1f,"percentiles":{%s}}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    total_non2xx, table.concat(parts, ","),
    latency.min, latency.mean, latency.max, latency.stdev, table.concat(pct, ",")))
end
