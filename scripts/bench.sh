#!/usr/bin/env bash
# Internal snapshot create / revert / delete: Strata (API → job → worker → libvirt, until the
# client sees SUCCEEDED) side by side with the same virsh commands, on one TCG VM, in one run.
# Prints medians, Strata's added time per operation and the ratio. Usage: ./strata bench [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-15}"
PORT="${STRATA_BENCH_PORT:-18090}"
DB=strata_bench
PW=bench-admin-password
RUN="bench-$$"
DIR="/var/lib/libvirt/images/strata-$RUN"
VM="st-$RUN"
URL="http://127.0.0.1:$PORT"

ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

[[ -f target/quarkus-app/quarkus-run.jar ]] || mvn -B -q package -DskipTests
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB" >/dev/null
# The job table of the run, for a breakdown of Strata's time (kept until the script ends).
breakdown() {
  psql -h 127.0.0.1 -U postgres -d "$DB" -tA -F ' ' -c "SELECT kind,
    round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) * 1000)::numeric, 1),
    round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)) * 1000)::numeric, 1)
    FROM job GROUP BY kind ORDER BY kind" | awk '{ printf "%-16s queued %6s ms   running %6s ms\n", $1, $2, $3 }'
}

mkdir -p "$DIR"
cleanup() {
  [[ -n "${APP:-}" ]] && kill "$APP" 2>/dev/null || true
  virsh -q destroy "$VM" >/dev/null 2>&1 || true
  virsh -q undefine "$VM" --snapshots-metadata >/dev/null 2>&1 || true
  rm -rf "$DIR"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

qemu-img create -q -f qcow2 "$DIR/disk.qcow2" 1G
cat > "$DIR/vm.xml" <<XML
<domain type='qemu'><name>$VM</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='$DIR/disk.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>
XML
virsh -q define "$DIR/vm.xml" >/dev/null
qemu-io -f qcow2 -c "write -P 0x5a 0 64M" "$DIR/disk.qcow2" >/dev/null

java -Dquarkus.http.port="$PORT" -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$DB" \
     -Dstrata.admin-password="$PW" -Dquarkus.log.level=WARN -jar target/quarkus-app/quarkus-run.jar \
     > "target/bench-app.log" 2>&1 &
APP=$!
for _ in $(seq 1 120); do curl -sf "$URL/q/health/ready" >/dev/null && break; sleep 0.5; done

api() { curl -sf -u "admin:$PW" -H 'Content-Type: application/json' "$@"; }
# Runs one Strata operation and waits until the job has ended; fails loudly if it did not succeed.
strata_op() {
  local job state
  job=$(api "$@" | grep -o '"jobId":[0-9]*' | cut -d: -f2)
  while :; do
    state=$(api "$URL/api/jobs/$job" | grep -o '"state":"[A-Z]*"' | head -1 | cut -d'"' -f4)
    case "$state" in
      SUCCEEDED) return 0 ;;
      QUEUED|RUNNING) sleep 0.01 ;;
      *) echo "job $job ended $state" >&2; exit 1 ;;
    esac
  done
}
api "$URL/api/hosts/local/vms/$VM" >/dev/null   # first lookup fills the inventory

declare -A T
for i in $(seq 1 "$N"); do
  t=$(ms); virsh -q snapshot-create-as "$VM" "v$i" --atomic >/dev/null; T[vc]+="$(( $(ms) - t )) "
  t=$(ms); virsh -q snapshot-revert "$VM" "v$i" >/dev/null;           T[vr]+="$(( $(ms) - t )) "
  t=$(ms); virsh -q snapshot-delete "$VM" "v$i" >/dev/null;           T[vd]+="$(( $(ms) - t )) "
  t=$(ms); strata_op -X POST -d "{\"name\":\"s$i\"}" "$URL/api/hosts/local/vms/$VM/snapshots"; T[sc]+="$(( $(ms) - t )) "
  t=$(ms); strata_op -X POST "$URL/api/hosts/local/vms/$VM/snapshots/s$i/revert";              T[sr]+="$(( $(ms) - t )) "
  t=$(ms); strata_op -X DELETE "$URL/api/hosts/local/vms/$VM/snapshots/s$i";                   T[sd]+="$(( $(ms) - t )) "
done

echo "Internal snapshots of a shut-off TCG VM (1 GiB qcow2, 64 MiB written), $N rounds, medians in ms"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB, $(virsh version | awk '/Running hypervisor/{print $3,$4}'), libvirt $(virsh version | awk '/Using library/{print $4}'); $(date -u +%F)"
printf '%-10s %8s %8s %10s %7s\n' operation virsh strata "added ms" ratio
for op in c:create r:revert d:delete; do
  k=${op%%:*}; name=${op#*:}
  v=$(echo ${T[v$k]} | tr ' ' '\n' | median); s=$(echo ${T[s$k]} | tr ' ' '\n' | median)
  awk -v n="$name" -v v="$v" -v s="$s" 'BEGIN { printf "%-10s %8.1f %8.1f %10.1f %6.2fx\n", n, v, s, s - v, s / v }'
done
echo "Strata's jobs (medians): time in the queue, and claimed → finished (libvirt call + inventory refresh)"
breakdown
