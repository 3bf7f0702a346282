#!/usr/bin/env bash
# Audit review at scale (issue 10): N (default 1,000,000) events with a valid chain, generated with
# SQL (audit-rows.sql), then latencies of the audit page, filtered API queries, text search and
# timelines (audit-latency.py), and a streamed export of every event under a small heap, checked
# offline with scripts/check-audit-export.py.
#   scripts/bench/audit.sh [N] [HEAP]        e.g. scripts/bench/audit.sh 1000000 128m
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000000}"
HEAP="${2:-128m}"
PORT="${STRATA_BENCH_PORT:-18091}"
DB=strata_bench_audit
PW=bench-admin-password
URL="http://127.0.0.1:$PORT"
OUT="${TMPDIR:-/tmp}/strata-bench-audit"
mkdir -p "$OUT"

[[ -f target/quarkus-app/quarkus-run.jar && -z "$(find src db-migrations pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]] \
  || mvn -B -q -o package -DskipTests
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB" >/dev/null
cleanup() {
  [[ -n "${APP:-}" ]] && { kill "$APP" 2>/dev/null; wait "$APP" 2>/dev/null; } || true
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# libvirt's test driver: the benchmark reads the audit log and must not touch the host's VMs.
QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB" QUARKUS_HTTP_PORT="$PORT" \
  STRATA_ADMIN_PASSWORD="$PW" STRATA_LIBVIRT_URI="test:///default" STRATA_JOB_WORKERS=1 \
  java -Xmx"$HEAP" -Xlog:gc:file="$OUT/gc.log" -jar target/quarkus-app/quarkus-run.jar >"$OUT/app.log" 2>&1 &
APP=$!
for _ in $(seq 1 120); do curl -sf "$URL/q/health/ready" >/dev/null && break; sleep 1; done

echo "generating $N events..."
t0=$(date +%s)
psql -h 127.0.0.1 -U postgres -d "$DB" -q -v n="$N" -f scripts/bench/audit-rows.sql
echo "generated in $(( $(date +%s) - t0 )) s; table $(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT pg_size_pretty(pg_total_relation_size('audit_event'))")"

python3 scripts/bench/audit-latency.py "$URL" admin "$PW" "${ROUNDS:-40}"

for fmt in csv jsonl; do
  t0=$(date +%s%N)
  curl -sf -u "admin:$PW" "$URL/api/audit/export?format=$fmt" -o "$OUT/audit.$fmt"
  t1=$(date +%s%N)
  echo "export $fmt: $(( (t1 - t0) / 1000000 )) ms, $(wc -l <"$OUT/audit.$fmt") lines, $(du -h "$OUT/audit.$fmt" | cut -f1), heap -Xmx$HEAP"
  t0=$(date +%s%N)
  python3 scripts/check-audit-export.py "$OUT/audit.$fmt"
  echo "offline check $fmt: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
done
echo "largest heap after a GC during the run: $(grep -o '[0-9]*M->[0-9]*M' "$OUT/gc.log" | sed 's/.*->//; s/M//' | sort -n | tail -1) MiB"
rm -f "$OUT"/audit.csv "$OUT"/audit.jsonl
