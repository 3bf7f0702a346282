-- wrk: prints "p50 p95 p99 requests errors" (latencies in ms) at the end of a run.
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.status + summary.errors.timeout
  io.write(string.format("WRK %.1f %.1f %.1f %d %d %.1f\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests, errors,
    summary.requests / (summary.duration / 1e6)))
end
