-- wrk script: POST one order per request, each with a fresh Idempotency-Key.
-- The body comes from the environment (USERSNACK_BENCH_ORDER), written by bench.py.
local counter = 0
local thread_tag = (os.getenv("USERSNACK_BENCH_RUN") or "run") .. "-" .. os.time() .. "-" .. math.random(1, 2 ^ 30)
local body = os.getenv("USERSNACK_BENCH_ORDER")

request = function()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. thread_tag .. "-" .. counter,
  }
  return wrk.format("POST", "/v1/orders", headers, body)
end
