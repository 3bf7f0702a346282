#!/usr/bin/env bash
# Strata side by side with the raw tools, in one run, on TCG VMs of this machine.
#   ./strata bench [internal|external|merge|provision|all] [N]
#   internal  internal snapshot create / revert / delete vs virsh (shut-off VM)
#   external  external snapshot create / revert / delete (merge) vs virsh and, for the revert that
#             libvirt 9.0 cannot do, the manual procedure (qemu-img check + create, virsh
#             update-device, snapshot-create --redefine --current)
#   merge     a 1 GiB overlay full of data merged on a running VM: Strata's snapshot delete
#             (active commit + pivot) vs virsh blockcommit --active --pivot --wait
#   provision 50 thin VMs from a sealed template (one batch request) vs a shell loop of
#             qemu-img create -b … -F qcow2 + virsh define; a full clone of a template holding
#             2 GiB of data vs qemu-img convert of the same images
# Strata's time is what an API client sees: the request until GET /api/jobs/{id}?wait=… answers
# SUCCEEDED. Prints medians, Strata's added time and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="${1:-all}"
N="${2:-15}"
PORT="${STRATA_BENCH_PORT:-18090}"
DB=strata_bench
PW=bench-admin-password
RUN="bench-$$"
DIR="/var/lib/libvirt/images/strata-$RUN"
URL="http://127.0.0.1:$PORT"

ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

[[ -f target/quarkus-app/quarkus-run.jar && -z "$(find src db-migrations pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]] \
  || mvn -B -q package -DskipTests
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB" >/dev/null
mkdir -p "$DIR"
cleanup() {
  # Stop the app first (a job it was running could still define a VM), then remove the run's VMs.
  [[ -n "${APP:-}" ]] && { kill "$APP" 2>/dev/null; wait "$APP" 2>/dev/null; } || true
  for vm in $(virsh list --all --name | grep "^st-$RUN-" || true); do
    virsh -q destroy "$vm" >/dev/null 2>&1 || true
    virsh -q undefine "$vm" --snapshots-metadata >/dev/null 2>&1 || true
  done
  rm -rf "$DIR"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# define_vm NAME SIZE: a TCG VM over a fresh qcow2 disk NAME.qcow2 in $DIR, with 64 MiB of data.
define_vm() {
  local vm="st-$RUN-$1"
  qemu-img create -q -f qcow2 "$DIR/$vm.qcow2" "$2"
  qemu-io -f qcow2 -c "write -P 0x5a 0 64M" "$DIR/$vm.qcow2" >/dev/null
  cat > "$DIR/$vm.xml" <<XML
<domain type='qemu'><name>$vm</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
<source file='$DIR/$vm.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>
XML
  virsh -q define "$DIR/$vm.xml" >/dev/null
  echo "$vm"
}
top_of() { virsh domblklist "$1" | awk -v t=vda '$1==t {print $2}'; }

java ${BENCH_JAVA_OPTS:-} -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$DB" \
     -Dstrata.admin-password="$PW" -Dquarkus.log.level=WARN -jar target/quarkus-app/quarkus-run.jar \
     > "target/bench-app.log" 2>&1 &
APP=$!
for _ in $(seq 1 120); do curl -sf "$URL/q/health/ready" >/dev/null && break; sleep 0.5; done

api() { curl -sf -u "admin:$PW" -H 'Content-Type: application/json' "$@"; }
# Runs one Strata operation and waits (long poll) until its job has ended; fails loudly unless it succeeded.
strata_op() {
  local job state
  job=$(api "$@" | grep -o '"jobIds*":\[*[0-9]*' | grep -o '[0-9]*$')   # one job, or the first of a batch
  [[ -n "$job" ]] || { echo "request refused: $*" >&2; exit 1; }
  state=$(api "$URL/api/jobs/$job?wait=600" | grep -o '"state":"[A-Z]*"' | head -1 | cut -d'"' -f4)
  [[ "$state" == SUCCEEDED ]] || { echo "job $job ended $state" >&2; api "$URL/api/jobs/$job" >&2; exit 1; }
}
declare -A T
# timed KEY CMD…: runs CMD and appends its wall time (ms) to T[KEY].
timed() { local k=$1 t; shift; t=$(ms); "$@" >/dev/null; T[$k]+="$(( $(ms) - t )) "; }
report() { # report TITLE op:name…
  echo; echo "$1"
  printf '%-10s %9s %9s %10s %7s\n' operation raw strata "added ms" ratio
  shift
  for op in "$@"; do
    local k=${op%%:*} name=${op#*:} v s
    v=$(echo ${T[v$k]} | median); s=$(echo ${T[s$k]} | median)
    awk -v n="$name" -v v="$v" -v s="$s" 'BEGIN { printf "%-10s %9.1f %9.1f %10.1f %6.2fx\n", n, v, s, s - v, s / v }'
  done
}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB, $(virsh version | awk '/Running hypervisor/{print $3,$4}'), libvirt $(virsh version | awk '/Using library/{print $4}'); $(date -u '+%F %H:%M') UTC"

if [[ "$WHAT" == internal || "$WHAT" == all ]]; then
  VM=$(define_vm int 1G)
  api "$URL/api/hosts/local/vms/$VM" >/dev/null   # first lookup fills the inventory
  for i in $(seq 1 "$N"); do
    timed vc virsh -q snapshot-create-as "$VM" "v$i" --atomic
    timed vr virsh -q snapshot-revert "$VM" "v$i"
    timed vd virsh -q snapshot-delete "$VM" "v$i"
    timed sc strata_op -X POST -d "{\"name\":\"s$i\"}" "$URL/api/hosts/local/vms/$VM/snapshots"
    timed sr strata_op -X POST "$URL/api/hosts/local/vms/$VM/snapshots/s$i/revert"
    timed sd strata_op -X DELETE "$URL/api/hosts/local/vms/$VM/snapshots/s$i"
  done
  report "Internal snapshots of a shut-off VM (1 GiB qcow2, 64 MiB data), $N rounds, medians in ms" \
    c:create r:revert d:delete
fi

# The manual external revert on libvirt 9.0: check the snapshot's image, a new overlay on it,
# the disk repointed, the snapshot made current again.
manual_revert() { # VM SNAPSHOT IMAGE NEWFILE
  qemu-img check -q "$3"
  qemu-img create -q -f qcow2 -b "$3" -F qcow2 "$4"
  printf "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='%s'/><target dev='vda' bus='virtio'/></disk>" "$4" > "$DIR/disk.xml"
  virsh -q update-device "$1" "$DIR/disk.xml" --config
  virsh -q snapshot-dumpxml "$1" "$2" --security-info > "$DIR/snap.xml"
  virsh -q snapshot-create "$1" "$DIR/snap.xml" --redefine --current
}

if [[ "$WHAT" == external || "$WHAT" == all ]]; then
  VV=$(define_vm extv 1G); VS=$(define_vm exts 1G)
  api "$URL/api/hosts/local/vms/$VS" >/dev/null
  for i in $(seq 1 "$N"); do
    # virsh: create; the manual revert; libvirt 9.0's own delete needs the snapshot on the current
    # chain, so it is timed on a second snapshot taken after the revert.
    timed vc virsh -q snapshot-create-as "$VV" "v$i" --disk-only --atomic
    img=$(virsh snapshot-dumpxml "$VV" "v$i" | awk -F"'" '/<domain type/{d=1} d && /<source file=/ && !p {print $2; p=1}')
    old=$(top_of "$VV")
    timed vr manual_revert "$VV" "v$i" "$img" "$DIR/$VV.r$i"
    rm -f "$old"
    virsh -q snapshot-delete "$VV" "v$i" --metadata >/dev/null
    virsh -q snapshot-create-as "$VV" "w$i" --disk-only --atomic >/dev/null
    qemu-io -f qcow2 -c "write -P 0x11 0 4M" "$(top_of "$VV")" >/dev/null
    timed vd virsh -q snapshot-delete "$VV" "w$i"
    # Strata: the same three.
    timed sc strata_op -X POST -d "{\"name\":\"s$i\",\"kind\":\"external\"}" "$URL/api/hosts/local/vms/$VS/snapshots"
    timed sr strata_op -X POST "$URL/api/hosts/local/vms/$VS/snapshots/s$i/revert"
    strata_op -X POST -d "{\"name\":\"t$i\",\"kind\":\"external\"}" "$URL/api/hosts/local/vms/$VS/snapshots"
    qemu-io -f qcow2 -c "write -P 0x11 0 4M" "$(top_of "$VS")" >/dev/null
    timed sd strata_op -X DELETE "$URL/api/hosts/local/vms/$VS/snapshots/t$i"
  done
  report "External snapshots of a shut-off VM (1 GiB qcow2, 64 MiB data; 4 MiB merged per delete), $N rounds, medians in ms
(revert: raw = the manual procedure, libvirt 9.0 cannot revert external snapshots)" \
    c:create r:revert d:"delete+merge"
fi

if [[ "$WHAT" == merge || "$WHAT" == all ]]; then
  M="${BENCH_MERGE_ROUNDS:-3}"
  VM=$(define_vm merge 2G)
  virsh -q start "$VM" >/dev/null
  api "$URL/api/hosts/local/vms/$VM" >/dev/null
  fill() { virsh -q qemu-monitor-command --hmp "$VM" 'qemu-io -d virtio-disk0/virtio-backend "write -P 0x77 0 1G"' >/dev/null; }
  for i in $(seq 1 "$M"); do
    virsh -q snapshot-create-as "$VM" "m$i" --disk-only --atomic >/dev/null
    overlay=$(top_of "$VM"); fill
    # The whole by-hand delete: merge and pivot, drop the metadata, remove the emptied overlay.
    t=$(ms)
    timed vb virsh -q blockcommit "$VM" vda --active --pivot --wait
    virsh -q snapshot-delete "$VM" "m$i" --metadata >/dev/null; rm -f "$overlay"
    T[vm]+="$(( $(ms) - t )) "
    strata_op -X POST -d "{\"name\":\"n$i\",\"kind\":\"external\"}" "$URL/api/hosts/local/vms/$VM/snapshots"
    fill
    timed sm strata_op -X DELETE "$URL/api/hosts/local/vms/$VM/snapshots/n$i"
  done
  b=$(echo ${T[vb]} | median); v=$(echo ${T[vm]} | median); s=$(echo ${T[sm]} | median)
  echo; echo "Merge of a 1 GiB overlay full of data into its base on a running VM, $M rounds, medians"
  awk -v b="$b" -v v="$v" -v s="$s" 'BEGIN {
    printf "virsh blockcommit --active --pivot --wait alone      %7.0f ms  %6.1f MiB/s\n", b, 1024000/b
    printf "  + snapshot-delete --metadata + rm of the overlay   %7.0f ms  %6.1f MiB/s\n", v, 1024000/v
    printf "Strata snapshot delete (job, all of the above)       %7.0f ms  %6.1f MiB/s\n", s, 1024000/s
    printf "Strata speed vs the same by hand: %.2fx   (vs blockcommit alone: %.2fx)\n", v/s, b/s }'
fi

if [[ "$WHAT" == provision || "$WHAT" == all ]]; then
  export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
  # A tiny Linux-looking guest whose filesystem holds a 2 GiB file of data, sealed by Strata.
  mkdir -p "$DIR/root/etc" "$DIR/root/bin"
  printf 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n' > "$DIR/root/etc/os-release"
  echo bench > "$DIR/root/etc/hostname"; echo 0123456789abcdef0123456789abcdef > "$DIR/root/etc/machine-id"
  echo '/dev/sda / ext4 defaults 0 1' > "$DIR/root/etc/fstab"; cp /bin/ls "$DIR/root/bin/"
  head -c "${BENCH_CLONE_DATA:-2G}" /dev/zero | tr '\0' 'S' > "$DIR/root/data.bin"
  G="st-$RUN-gold"
  virt-make-fs --format=qcow2 --type=ext4 --size=+64M "$DIR/root" "$DIR/$G.qcow2"
  rm -rf "$DIR/root"
  cat > "$DIR/$G.xml" <<XML
<domain type='qemu'><name>$G</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$DIR/$G.qcow2'/><target dev='vda' bus='virtio'/></disk>
<interface type='user'><model type='virtio'/></interface></devices></domain>
XML
  virsh -q define "$DIR/$G.xml" >/dev/null
  api "$URL/api/hosts/local/vms/$G" >/dev/null
  t=$(ms); strata_op -X POST -d '{}' "$URL/api/hosts/local/vms/$G/template"; seal=$(( $(ms) - t ))
  TPL="template-$G"; TIMG="$DIR/$TPL.qcow2"
  P=${BENCH_THIN_COUNT:-50}
  # Shell loop: what an administrator types.
  t=$(ms)
  for i in $(seq 1 "$P"); do
    v="st-$RUN-loop-$i"
    qemu-img create -q -f qcow2 -b "$TIMG" -F qcow2 "$DIR/$v.qcow2"
    cat > "$DIR/$v.xml" <<XML
<domain type='qemu'><name>$v</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$DIR/$v.qcow2'/><target dev='vda' bus='virtio'/></disk>
<interface type='user'><model type='virtio'/></interface></devices></domain>
XML
    virsh -q define "$DIR/$v.xml" >/dev/null
  done
  loop=$(( $(ms) - t ))
  # Strata: one batch request, until every job has succeeded.
  t=$(ms)
  ids=$(api -X POST -d "{\"namePattern\":\"st-$RUN-thin-{n}\",\"count\":$P,\"method\":\"thin\"}" \
        "$URL/api/templates/$TPL/provision" | grep -o '"jobIds":\[[0-9,]*\]' | grep -o '[0-9]*')
  for id in $ids; do
    state=$(api "$URL/api/jobs/$id?wait=600" | grep -o '"state":"[A-Z]*"' | head -1 | cut -d'"' -f4)
    [[ "$state" == SUCCEEDED ]] || { echo "job $id ended $state" >&2; exit 1; }
  done
  batch=$(( $(ms) - t ))
  # Full clone of the template (2 GiB of data) vs qemu-img convert of the same image. One untimed
  # convert first, so both read the template from the page cache; then convert, clone, convert,
  # each timed until its data is on disk (sync), or the page cache decides who looks faster.
  qemu-img convert -f qcow2 -O qcow2 "$TIMG" "$DIR/convert.qcow2"; rm -f "$DIR/convert.qcow2"; sync
  t=$(ms); qemu-img convert -f qcow2 -O qcow2 "$TIMG" "$DIR/convert.qcow2"; sync; conv1=$(( $(ms) - t ))
  rm -f "$DIR/convert.qcow2"; sync
  t=$(ms); strata_op -X POST -d "{\"name\":\"st-$RUN-clone\",\"method\":\"clone\"}" "$URL/api/templates/$TPL/provision"; sync; clone=$(( $(ms) - t ))
  t=$(ms); qemu-img convert -f qcow2 -O qcow2 "$TIMG" "$DIR/convert.qcow2"; sync; conv2=$(( $(ms) - t ))
  rm -f "$DIR/convert.qcow2"
  conv=$(( (conv1 + conv2) / 2 ))
  how=$(psql -h 127.0.0.1 -U postgres -d "$DB" -tA -c "SELECT l.line FROM job_log l JOIN job j ON j.id = l.job_id
        WHERE j.kind = 'PROVISION_CLONE' AND l.line LIKE 'vda:%' LIMIT 1")
  bytes=$(qemu-img info --output=json "$TIMG" | grep -o '"actual-size": [0-9]*' | grep -o '[0-9]*$')
  echo; echo "Provisioning from a sealed template (a tiny guest holding a 2 GiB file; $((bytes / 1048576)) MiB allocated); sealing took $seal ms"
  awk -v n="$P" -v l="$loop" -v b="$batch" 'BEGIN { printf "%d thin VMs: shell loop (qemu-img create -b + virsh define) %6d ms   Strata batch %6d ms   ratio %.2fx\n", n, l, b, b / l }'
  echo "qemu-img convert: $conv1 ms before the clone, $conv2 ms after (mean below); Strata's clone job: $how"
  awk -v c="$conv" -v s="$clone" -v by="$bytes" 'BEGIN { printf "full clone: qemu-img convert %6d ms (%.0f MiB/s)   Strata clone job %6d ms (%.0f MiB/s)   Strata speed vs convert: %.2fx\n", c, by/1048576/(c/1000), s, by/1048576/(s/1000), c / s }'
fi

echo; echo "Strata's jobs (medians): queued → claimed, claimed → finished"
psql -h 127.0.0.1 -U postgres -d "$DB" -tA -F ' ' -c "SELECT kind || '/' || coalesce(params::json->>'kind', ''),
  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) * 1000)::numeric, 1),
  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)) * 1000)::numeric, 1)
  FROM job WHERE kind <> 'INVENTORY_SYNC' GROUP BY 1 ORDER BY 1" | awk '{ printf "%-26s queued %6s ms   running %7s ms\n", $1, $2, $3 }'
