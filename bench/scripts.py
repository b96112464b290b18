#!/usr/bin/env python3
"""The Redis backend's scripts alone, without the service or the network (bench/scripts.sh).

Builds a Lua library of the scripts in one folder (the prelude, define.lua, put.lua,
take.lua and settle.lua, made as RedisScripts makes them) plus one benchmark function,
bench_cycles, and prints it. bench_cycles(keys, {n, lanes, base, backlog}) runs n cycles of
put -> take -> ack through the scripts' own code, each script as one call would run it
(begin, load, its changes, reply), on the queue of keys; with lanes 'on' each job is in one
of 16 fairness groups at priority 4, 5 or 6 in turn (as bench/cycle.lua's BENCH_LANES).
With a backlog b > 0 it puts b jobs first and returns (so that each cycle finds b ready).
bench_define(keys, {capacity}) makes the queue.
"""
import sys
from pathlib import Path

folder = Path(sys.argv[1] if len(sys.argv) > 1 else "src/main/resources/dev/dispatch/backend/redis")
parts = ["#!lua name=dispatch_bench", (folder / "prelude.lua").read_text()]
for op in ("define", "put", "take", "settle"):
    parts.append("OPS['%s'] = function()\n%s\nend" % (op, (folder / (op + ".lua")).read_text()))
parts.append("""
local function bench_put(keys, k, lanes)
  local lane = ''
  if lanes then
    lane = tostring(4 + k % 3) .. 'g' .. tostring(k % 16)
  end
  begin(keys, { '1000', '', '', 'bench', 'job' .. k, '{"n":1}', '', '0', '0', '0', '0', '', lane, '0' })
  return OPS['put']()
end

redis.register_function('bench_define', function(keys, args)
  begin(keys, { '1000', '', '', 'bench', 'g1', args[1], '30000', '5', '', '', '0', '0', '0', '0' })
  return OPS['define']()
end)

redis.register_function('bench_cycles', function(keys, args)
  local n, lanes, base, backlog = tonumber(args[1]), args[2] == 'on', tonumber(args[3]), tonumber(args[4] or '0')
  for i = 1, backlog do
    bench_put(keys, -i, lanes)
  end
  for i = 1, n do
    local k = base + i
    bench_put(keys, k, lanes)
    begin(keys, { '1000', '', '', 'bench', '1', '', '0', 't' .. k })
    local taken = OPS['take']()
    assert(taken[1] == 'delivered', 'the take got nothing')
    begin(keys, { '1000', '', '', 'bench', taken[4][1], 'ack', '' })
    OPS['settle']()
  end
  return n
end)
""")
print("\n".join(parts))
