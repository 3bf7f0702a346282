#!/usr/bin/env bash
# The cleanup report at scale, side by side with a plain `find` + `qemu-img info` walk of the same
# directory:   ./strata bench report [VMS] [SNAPSHOTS_PER_VM] [EXTRA_FILES_PER_VM]
# Defaults: 200 VMs × 10 external snapshots (each VM: a base image and a chain of 10 overlays, its
# disk on the top one, 10 snapshots redefined in libvirt naming them) = 2,200 image files, plus per
# VM one orphan overlay (a branch on its base) and 13 other files (console logs, XML dumps):
# 5,000 files in one directory. The VMs live in root's qemu:///session daemon, not the system one
# the tests share; nothing is started. The report runs twice (cold: every chain read by qemu-img;
# warm: chains cached while their files are unchanged).
set -euo pipefail
cd "$(dirname "$0")/.."
# A throwaway database of its own, made by the local postgres account: app and migrations use that
# account (the app's own roles and the audit key file are for real deployments, see README).
BENCH_DB_ROLES="-Dquarkus.datasource.username=postgres -Dquarkus.datasource.password= -Dquarkus.flyway.username=postgres -Dquarkus.flyway.password= -Dstrata.audit.key-file=/var/lib/strata/bench-audit.key -Dstrata.audit.anchor-file=/var/lib/strata/bench-audit-anchors"
VMS="${1:-200}"
SNAPS="${2:-10}"
EXTRA="${3:-13}"
URI=qemu:///session
PORT="${STRATA_BENCH_PORT:-18091}"
DB=strata_bench_report
PW=bench-admin-password
RUN="rbench-$$"
DIR="/var/lib/libvirt/images/strata-$RUN"
URL="http://127.0.0.1:$PORT"
ms() { echo $(( $(date +%s%N) / 1000000 )); }

[[ -f target/quarkus-app/quarkus-run.jar && -z "$(find src db-migrations pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]] \
  || mvn -B -q -o package -DskipTests
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB" >/dev/null
# The anchors of the database just dropped (each bench database has its own: runs side by side do not mix).
rm -f "/var/lib/strata/bench-audit-anchors-$DB"
BENCH_DB_ROLES="$BENCH_DB_ROLES-$DB" # the anchor file, its last word, is the database's own
mkdir -p "$DIR"
cleanup() {
  [[ -n "${APP:-}" ]] && { kill "$APP" 2>/dev/null; wait "$APP" 2>/dev/null; } || true
  virsh -c "$URI" list --all --name | grep "^st-$RUN-" | sed 's/^/undefine --snapshots-metadata /' | virsh -c "$URI" >/dev/null 2>&1 || true
  rm -rf "$DIR"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "setting up $VMS VMs × $SNAPS snapshots in $DIR ($URI)…"
t=$(ms)
CMDS="$DIR/virsh-commands"
: > "$CMDS"
for i in $(seq 1 "$VMS"); do
  vm="st-$RUN-$i"
  prev="$DIR/$vm.qcow2"
  qemu-img create -q -f qcow2 "$prev" 64M
  for s in $(seq 1 "$SNAPS"); do
    qemu-img create -q -f qcow2 -b "$prev" -F qcow2 "$DIR/$vm.s$s"
    prev="$DIR/$vm.s$s"
  done
  qemu-img create -q -f qcow2 -b "$DIR/$vm.qcow2" -F qcow2 "$DIR/$vm.orphan"
  for x in $(seq 1 "$EXTRA"); do echo "console line $x" > "$DIR/$vm-console-$x.log"; done
  cat > "$DIR/$vm.xml" <<XML
<domain type='qemu'><name>$vm</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='$prev'/><target dev='vda' bus='virtio'/></disk></devices></domain>
XML
  echo "define $DIR/$vm.xml" >> "$CMDS"
  image="$DIR/$vm.qcow2"
  for s in $(seq 1 "$SNAPS"); do
    cat > "$DIR/$vm.s$s.snap.xml" <<XML
<domainsnapshot><name>s$s</name><state>disk-snapshot</state><creationTime>$(( $(date +%s) - 86400 * (SNAPS - s + 1) ))</creationTime>
$( [[ $s -gt 1 ]] && echo "<parent><name>s$(( s - 1 ))</name></parent>" )
<memory snapshot='no'/><disks><disk name='vda' snapshot='external' type='file'><driver type='qcow2'/><source file='$DIR/$vm.s$s'/></disk></disks>
<domain type='qemu'><name>$vm</name><memory unit='MiB'>128</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$image'/><target dev='vda' bus='virtio'/></disk></devices></domain>
</domainsnapshot>
XML
    echo "snapshot-create $vm $DIR/$vm.s$s.snap.xml --redefine $( [[ $s -eq $SNAPS ]] && echo --current )" >> "$CMDS"
    image="$DIR/$vm.s$s"
  done
done
virsh -c "$URI" < "$CMDS" > "$DIR/virsh.out" 2>&1 || { tail -5 "$DIR/virsh.out"; exit 1; }
rm -f "$CMDS" "$DIR"/*.snap.xml
FILES=$(find "$DIR" -maxdepth 1 -type f | wc -l)
echo "setup: $(( $(ms) - t )) ms; $FILES files, $(virsh -c "$URI" list --all --name | grep -c "^st-$RUN-") VMs"

java ${BENCH_JAVA_OPTS:-} -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$DB" $BENCH_DB_ROLES \
     -Dstrata.admin-password="$PW" -Dstrata.libvirt.uri="$URI" -Dstrata.reports.cleanup.cron=off \
     -Dstrata.inventory.sync-interval=1h -Dquarkus.log.level=WARN -jar target/quarkus-app/quarkus-run.jar \
     > "target/bench-report-app.log" 2>&1 &
APP=$!
for _ in $(seq 1 120); do curl -sf "$URL/q/health/ready" >/dev/null && break; sleep 0.5; done
api() { curl -sf -u "admin:$PW" -H 'Content-Type: application/json' "$@"; }

run_report() {
  local t0 job state
  t0=$(ms)
  job=$(api -X POST "$URL/api/reports/cleanup" | grep -o '"jobId":[0-9]*' | cut -d: -f2)
  state=RUNNING
  while [[ "$state" == QUEUED || "$state" == RUNNING ]]; do   # the API waits at most 60 s per call
    state=$(api "$URL/api/jobs/$job?wait=60" | grep -o '"state":"[A-Z]*"' | head -1 | cut -d'"' -f4)
  done
  echo "$(( $(ms) - t0 )) $state $job"
}
read -r COLD COLD_STATE COLD_JOB < <(run_report)
read -r WARM WARM_STATE WARM_JOB < <(run_report)
RID=$(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT id FROM cleanup_report WHERE job_id = $WARM_JOB")
ORPHANS=$(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT count(*) FROM cleanup_report_item WHERE report_id = $RID AND section = 3 AND data->>'path' LIKE '$DIR/%'")
SNAPROWS=$(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT count(*) FROM snapshot")
SUMMARY=$(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT summary FROM cleanup_report WHERE id = $RID")
COLD_HANDLER=$(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT summary->>'millis' FROM cleanup_report WHERE job_id = $COLD_JOB")

t=$(ms)
find "$DIR" -maxdepth 1 -type f -print0 | xargs -0 -n1 qemu-img info -U --output=json > /dev/null 2>&1 || true
FIND=$(( $(ms) - t ))

echo
echo "cleanup report over $VMS VMs, $(( VMS * SNAPS )) snapshots, $FILES files ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  Strata report, cold (chains read by qemu-img): $COLD ms ($COLD_STATE; the job itself $COLD_HANDLER ms)"
echo "  Strata report, warm (chains cached):          $WARM ms ($WARM_STATE)"
echo "  find + qemu-img info of every file:            $FIND ms"
echo "  orphans found in the bench directory: $ORPHANS (expected $VMS); snapshots in the inventory: $SNAPROWS"
echo "  report summary: $SUMMARY"
