-- The one wrk script of `make bench` (bench/run.mjs passes its settings after `--`):
--   method=GET|POST   bearer=TOKEN   ctype=MEDIA-TYPE   body=FILE (one static body)
--   pool=FILE         one request body per line, each sent once (single-use codes, refresh
--                     tokens, signed assertions); the lines are dealt out to the threads and a
--                     thread stops when its whole share has been answered, so the run is
--                     bounded by the pool size as well as by -d
--   threads=N         wrk's -t, to deal the pool out
-- Every response is classified (2xx or not; the first failing body per thread is kept) and done()
-- prints one line `BENCHJSON {...}` with the counts and latency percentiles in microseconds.
-- wrk's own duration is always the whole -d, even when every thread stopped early; a pool run is
-- timed here instead, from the first request sent to the last response received (monotonic
-- clock through LuaJIT's FFI, which Debian's wrk is built with).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function read_lines(path, id, n)
  local out = {}
  local i = 0
  for line in io.lines(path) do
    if line ~= "" then
      if i % n == id then out[#out + 1] = line end
      i = i + 1
    end
  end
  return out
end

local function read_all(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

function init(args)
  local opt = {}
  for _, a in ipairs(args) do
    local k, v = a:match("^([%w_]+)=(.*)$")
    if k then opt[k] = v end
  end
  method = opt.method or "GET"
  headers = {}
  if opt.bearer then headers["Authorization"] = "Bearer " .. opt.bearer end
  if opt.ctype then headers["Content-Type"] = opt.ctype end
  headers["Accept"] = opt.accept or "application/json"
  ok, bad, first_error = 0, 0, ""
  first_us, last_us = 0, 0
  if opt.pool then
    pool = read_lines(opt.pool, id, tonumber(opt.threads or "1"))
    used = 0
    if #pool == 0 then error("pool " .. opt.pool .. " has no line for thread " .. id) end
  else
    local body = opt.body and read_all(opt.body) or nil
    fixed = wrk.format(method, nil, headers, body)
  end
end

function request()
  if not pool then return fixed end
  if id == 0 and not verified then
    -- wrk calls request() once on thread 0 to check the script before any connection opens;
    -- that request is never sent, so it must not use up an input.
    verified = true
    return wrk.format(method, nil, headers, pool[1])
  end
  if used >= #pool then
    -- Share used up: this connection sends nothing more (an empty request writes no bytes) and
    -- the thread stops once every input it sent has been answered (see response()).
    return ""
  end
  used = used + 1
  if first_us == 0 then first_us = now_us() end
  return wrk.format(method, nil, headers, pool[used])
end

function response(status, _, body)
  if pool then last_us = now_us() end
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    bad = bad + 1
    if first_error == "" then first_error = status .. " " .. string.sub(body or "", 1, 300) end
  end
  if pool and used >= #pool and ok + bad >= used then wrk.thread:stop() end
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, _)
  local ok_total, bad_total, err = 0, 0, ""
  local first, last = nil, 0
  for _, t in ipairs(threads) do
    local f = t:get("first_us") or 0
    if f > 0 and (first == nil or f < first) then first = f end
    last = math.max(last, t:get("last_us") or 0)
    ok_total = ok_total + (t:get("ok") or 0)
    bad_total = bad_total + (t:get("bad") or 0)
    local e = t:get("first_error") or ""
    if err == "" then err = e end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"ok":%d,"non2xx":%d,"socket_errors":%d,' ..
    '"timeouts":%d,"active_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"first_error":%s}\n',
    summary.requests, summary.duration, ok_total, bad_total,
    e.connect + e.read + e.write, e.timeout, first and (last - first) or 0,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    json_string(err)))
end
