#!/usr/bin/env bash
# Strata side by side with the raw tools, in one run, on TCG VMs of this machine.
#   ./strata bench [targets|internal|external|thin|engine|audit|lists|merge|provision|all] [N]
#   targets   issue 13's five targets: internal external thin engine audit lists (the default)
#   internal  internal snapshot create / revert / delete vs virsh (shut-off VM), N rounds
#   external  external snapshot create / revert / delete (merge) vs virsh and, for the revert that
#             libvirt 9.0 cannot do, the manual procedure (qemu-img check + create, virsh
#             update-device, snapshot-create --redefine --current), N rounds
#   thin      100 thin VMs from a sealed template (one batch request) vs a shell loop of
#             qemu-img create -b … -F qcow2 + virsh define, alternating, BENCH_THIN_ROUNDS rounds
#   engine    no-op jobs (bench build only) end to end vs a bare FOR UPDATE SKIP LOCKED
#             claim-and-complete loop run by pgbench, alternating; enqueue-to-start latency on the
#             same node and from a second node without workers
#             (one uncounted warm-up round first; BENCH_PROFILE=1: also a wall-clock profile of the
#             first round, from thread dumps)
#   audit     audit events appended per second (hash chain and its lock), 1 and 4 threads
#   lists     a test:/// host with 1,000 domains and 10,000 snapshots: full sync, then wrk with 50
#             connections on the VM list page, a VM page and GET /api/hosts/{host}/vms (with
#             Accept-Encoding: gzip as HTTP clients send it, and again uncompressed); app memory
#   merge     a 1 GiB overlay full of data merged on a running VM: Strata's snapshot delete
#             (active commit + pivot) vs virsh blockcommit --active --pivot --wait
#   provision 50 thin VMs and a full clone of a template holding 2 GiB of data vs qemu-img convert
# Strata's time is what an API client sees over one persistent HTTP connection
# (scripts/BenchClient.java): the request until GET /api/jobs/{id}?wait=… answers SUCCEEDED.
# The app is the bench build (-Dquarkus.profile=bench, in target/bench-build): the production build
# has no no-op job kind and no /api/bench. Prints medians, Strata's added time and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
# A throwaway database of its own, made by the local postgres account: app and migrations use that
# account (the app's own roles and the audit key file are for real deployments, see README).
BENCH_DB_ROLES="-Dquarkus.datasource.username=postgres -Dquarkus.datasource.password= -Dquarkus.flyway.username=postgres -Dquarkus.flyway.password= -Dstrata.audit.key-file=/var/lib/strata/bench-audit.key -Dstrata.audit.anchor-file=/var/lib/strata/bench-audit-anchors"
# ./strata bench report: the cleanup report at scale (scripts/bench-report.sh).
[[ "${1:-}" == report ]] && exec scripts/bench-report.sh "${@:2}"
WHAT="${1:-targets}"
N="${2:-15}"
PORT="${STRATA_BENCH_PORT:-18090}"
PORT2=$((PORT + 1))
DB="${STRATA_BENCH_DB:-strata_bench}"
PW=bench-admin-password
RUN="${BENCH_TAG:-bench}-$$"
DIR="/var/lib/libvirt/images/strata-$RUN"
URL="http://127.0.0.1:$PORT"
has() { [[ " $WHAT " == *" $1 "* || "$WHAT" == all || ( "$WHAT" == targets && " internal external thin engine audit lists " == *" $1 "* ) ]]; }

ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# The bench build, apart from the production one in target/quarkus-app.
# BENCH_APPDIR names another, already built bench build (e.g. a copy of the one before a change,
# to compare before and after in the same conditions); it is used as it is.
APPDIR=${BENCH_APPDIR:-target/bench-build}
[[ -n "${BENCH_APPDIR:-}" || ( -f $APPDIR/quarkus-run.jar && -z "$(find src db-migrations pom.xml -newer $APPDIR/quarkus-run.jar -print -quit)" ) ]] \
  || mvn -B -q package -DskipTests -Dquarkus.profile=bench -Dquarkus.package.output-directory=bench-build
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB" >/dev/null
# The anchors of the database just dropped (each bench database has its own: runs side by side do not mix).
rm -f "/var/lib/strata/bench-audit-anchors-$DB"
BENCH_DB_ROLES="$BENCH_DB_ROLES-$DB" # the anchor file, its last word, is the database's own
mkdir -p "$DIR"
APPS=()
cleanup() {
  # Stop the apps first (a job could still define a VM), then remove the run's VMs.
  [[ -n "${BC_PID:-}" ]] && kill "$BC_PID" 2>/dev/null || true
  set +e  # everything below is best effort (an app may have been stopped already)
  for p in "${APPS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
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

# lists: a test:/// host of 1,000 shut-off domains with 10 snapshots each (libvirt's test driver,
# generated definition file); written before the app starts, which knows it as host "big".
BIG="$DIR/big.xml"
if has lists; then
  awk -v dir="$DIR" -v n="${BENCH_LIST_VMS:-1000}" -v k="${BENCH_LIST_SNAPS:-10}" 'BEGIN {
    print "<node>"
    for (i = 1; i <= n; i++) {
      name = sprintf("big-%04d", i)
      dom = sprintf("<name>%s</name><memory>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices><disk type=\"file\" device=\"disk\"><driver name=\"qemu\" type=\"qcow2\"/><source file=\"%s/%s.qcow2\"/><target dev=\"vda\" bus=\"virtio\"/></disk></devices>", name, dir, name)
      printf "<domain type=\"test\" xmlns:test=\"http://libvirt.org/schemas/domain/test/1.0\">%s<test:runstate>5</test:runstate>\n", dom
      for (s = 1; s <= k; s++) {
        printf "<test:domainsnapshot><name>snap-%02d</name><description>bench</description><state>shutoff</state><creationTime>%d</creationTime><active>%d</active>", s, 1700000000 + s * 3600, (s == k)
        if (s > 1) printf "<parent><name>snap-%02d</name></parent>", s - 1
        printf "<memory snapshot=\"no\"/><disks><disk name=\"vda\" snapshot=\"internal\"/></disks><domain type=\"test\">%s</domain></test:domainsnapshot>\n", dom
      }
      print "</domain>"
    }
    print "</node>" }' > "$BIG"
fi
HOSTS="big=test://$BIG"

# start_app PORT LABEL ARGS…: the bench build on the run's database; waits until it is ready.
start_app() {
  local port=$1 label=$2; shift 2
  java ${BENCH_JAVA_OPTS:-} -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$DB" $BENCH_DB_ROLES \
       -Dstrata.admin-password="$PW" -Dquarkus.log.level=WARN -Dstrata.hosts="$HOSTS" "$@" \
       -jar $APPDIR/quarkus-run.jar > "target/bench-app-$label.log" 2>&1 &
  APPS+=($!)
  LAST_APP=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && return; sleep 0.5; done
  echo "app $label did not start; see target/bench-app-$label.log" >&2; exit 1
}
[[ -f "$BIG" ]] || HOSTS=""
start_app "$PORT" main -Dstrata.inventory.sync-interval=1h
APP=$LAST_APP

api() { curl -sf -u "admin:$PW" -H 'Content-Type: application/json' "$@"; }
# The API client: one JVM, one persistent connection (scripts/BenchClient.java), as a coprocess.
client() { # client URL: (re)starts the client process against URL, talking through two FIFOs
  if [[ -n "${BC_PID:-}" ]]; then
    exec {BCW}>&- {BCR}<&-
    kill "$BC_PID" 2>/dev/null || true; wait "$BC_PID" 2>/dev/null || true
  fi
  rm -f "$DIR/bc.in" "$DIR/bc.out"; mkfifo "$DIR/bc.in" "$DIR/bc.out"
  java scripts/BenchClient.java "$1" admin "$PW" < "$DIR/bc.in" > "$DIR/bc.out" &
  BC_PID=$!
  exec {BCW}>"$DIR/bc.in" {BCR}<"$DIR/bc.out"
}
client "$URL"
# sop KIND METHOD PATH [JSON]: one client command; prints its answer (ms, or ms status body); fails loudly on ERR.
sop() {
  local line
  echo "$*" >&"$BCW"
  IFS= read -r line <&"$BCR" || { echo "the bench client stopped ($*)" >&2; exit 1; }
  [[ "$line" != ERR* ]] || { echo "$line ($*)" >&2; exit 1; }
  echo "$line"
}
# strata_op METHOD PATH [JSON]: a job request, until its job(s) succeeded (untimed use).
strata_op() { sop job "$@" >/dev/null; }
declare -A T
# timed KEY CMD…: runs CMD and appends its wall time (ms) to T[KEY].
timed() { local k=$1 t; shift; t=$(ms); "$@" >/dev/null; T[$k]+="$(( $(ms) - t )) "; }
# stimed KEY METHOD PATH [JSON]: a Strata job request timed by the client, appended to T[KEY].
stimed() { local k=$1 r; shift; r=$(sop job "$@"); T[$k]+="${r%% *} "; }
report() { # report TITLE op:name…: medians, added time (median of the rounds' differences) and ratio
  echo; echo "$1"
  printf '%-14s %9s %9s %10s %7s\n' operation raw strata "added ms" ratio
  shift
  for op in "$@"; do
    local k=${op%%:*} name=${op#*:} v s d
    v=$(echo ${T[v$k]} | median); s=$(echo ${T[s$k]} | median)
    d=$(paste -d' ' <(echo ${T[v$k]} | tr ' ' '\n') <(echo ${T[s$k]} | tr ' ' '\n') | awk 'NF == 2 { print $2 - $1 }' | tr '\n' ' ' | median)
    awk -v n="$name" -v v="$v" -v s="$s" -v d="$d" 'BEGIN { printf "%-14s %9.1f %9.1f %10.1f %6.2fx   %s\n", n, v, s, d, s / v, (d <= 50 ? "(<= 50 ms: met)" : "(> 50 ms: not met)") }'
  done
}
# BENCH_JFR=1: a JFR recording of each snapshot section and of the lists' wrk runs (CPU and native samples every 10 ms, parks
# and monitor waits over 1 ms), summarised by scripts/JfrFlame.java as the wall-clock flame of the
# job workers and the request threads; the folded stacks go to target/bench-SECTION.folded.
jfr_start() {
  [[ -n "${BENCH_JFR:-}" ]] || return 0
  local jfc=target/bench-jfr.jfc java_home
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  sed -e '/method-sampling-native-interval/s/20 ms/10 ms/' -e '/locking-threshold/s/[0-9]* ms/1 ms/' \
    "$java_home/lib/jfr/profile.jfc" > "$jfc"
  jcmd "$APP" JFR.start name="$1" settings="$PWD/$jfc" >/dev/null
}
jfr_stop() {
  [[ -n "${BENCH_JFR:-}" ]] || return 0
  jcmd "$APP" JFR.stop name="$1" filename="$PWD/target/bench-$1.jfr" >/dev/null
  echo; echo "Where the time of the $1 section went (JFR, wall clock of the job workers and request threads):"
  java scripts/JfrFlame.java "target/bench-$1.jfr" 10 "target/bench-$1.folded" strata-worker executor-thread vert.x-eventloop
}
# The snapshot sections' first BENCH_SNAP_WARMUP rounds (default 2) run the same operations uncounted:
# a server answers warm, and the first rounds measured the JIT compiling the job path (the first
# create's snapshot listing took 24 ms, the fifth 4 ms). The raw side's rounds are dropped alike.
WARMUP=${BENCH_SNAP_WARMUP:-2}
# warm_up_done ROUND SECTION: at the first counted round, drops the warm-up's times and starts the section's JFR recording.
warm_up_done() {
  (( $1 == WARMUP + 1 )) || return 0
  for k in vc vr vd sc sr sd; do T[$k]=""; done
  jfr_start "$2"
}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB, $(virsh version | awk '/Running hypervisor/{print $3,$4}'), libvirt $(virsh version | awk '/Using library/{print $4}'); $(date -u '+%F %H:%M') UTC"

if has internal; then
  VM=$(define_vm int 1G)
  api "$URL/api/hosts/local/vms/$VM" >/dev/null   # first lookup fills the inventory
  for i in $(seq 1 $((N + WARMUP))); do
    warm_up_done "$i" internal
    timed vc virsh -q snapshot-create-as "$VM" "v$i" --atomic
    timed vr virsh -q snapshot-revert "$VM" "v$i"
    timed vd virsh -q snapshot-delete "$VM" "v$i"
    stimed sc POST "/api/hosts/local/vms/$VM/snapshots" "{\"name\":\"s$i\"}"
    stimed sr POST "/api/hosts/local/vms/$VM/snapshots/s$i/revert"
    stimed sd DELETE "/api/hosts/local/vms/$VM/snapshots/s$i"
  done
  jfr_stop internal
  report "TARGET 1  Internal snapshots of a shut-off VM (1 GiB qcow2, 64 MiB data), $N rounds after $WARMUP uncounted, medians in ms" \
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

if has external; then
  VV=$(define_vm extv 1G); VS=$(define_vm exts 1G)
  api "$URL/api/hosts/local/vms/$VS" >/dev/null
  for i in $(seq 1 $((N + WARMUP))); do
    warm_up_done "$i" external
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
    stimed sc POST "/api/hosts/local/vms/$VS/snapshots" "{\"name\":\"s$i\",\"kind\":\"external\"}"
    stimed sr POST "/api/hosts/local/vms/$VS/snapshots/s$i/revert"
    strata_op POST "/api/hosts/local/vms/$VS/snapshots" "{\"name\":\"t$i\",\"kind\":\"external\"}"
    qemu-io -f qcow2 -c "write -P 0x11 0 4M" "$(top_of "$VS")" >/dev/null
    stimed sd DELETE "/api/hosts/local/vms/$VS/snapshots/t$i"
  done
  jfr_stop external
  report "TARGET 1  External snapshots of a shut-off VM (1 GiB qcow2, 64 MiB data; 4 MiB merged per delete), $N rounds after $WARMUP uncounted, medians in ms
(revert: raw = the manual procedure, libvirt 9.0 cannot revert external snapshots)" \
    c:create r:revert d:"delete+merge"
fi

if has merge; then
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
    strata_op POST "/api/hosts/local/vms/$VM/snapshots" "{\"name\":\"n$i\",\"kind\":\"external\"}"
    fill
    stimed sm DELETE "/api/hosts/local/vms/$VM/snapshots/n$i"
  done
  b=$(echo ${T[vb]} | median); v=$(echo ${T[vm]} | median); s=$(echo ${T[sm]} | median)
  echo; echo "Merge of a 1 GiB overlay full of data into its base on a running VM, $M rounds, medians"
  awk -v b="$b" -v v="$v" -v s="$s" 'BEGIN {
    printf "virsh blockcommit --active --pivot --wait alone      %7.0f ms  %6.1f MiB/s\n", b, 1024000/b
    printf "  + snapshot-delete --metadata + rm of the overlay   %7.0f ms  %6.1f MiB/s\n", v, 1024000/v
    printf "Strata snapshot delete (job, all of the above)       %7.0f ms  %6.1f MiB/s\n", s, 1024000/s
    printf "Strata speed vs the same by hand: %.2fx   (vs blockcommit alone: %.2fx)\n", v/s, b/s }'
fi

# make_template NAME DATA: a tiny Linux-looking guest whose filesystem holds DATA bytes of data
# (virt-make-fs), sealed by Strata (virt-sysprep); sets TPL, TIMG and SEAL_MS.
make_template() {
  export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
  local G="st-$RUN-$1" root="$DIR/root-$1" t
  mkdir -p "$root/etc" "$root/bin"
  printf 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n' > "$root/etc/os-release"
  echo bench > "$root/etc/hostname"; echo 0123456789abcdef0123456789abcdef > "$root/etc/machine-id"
  echo '/dev/sda / ext4 defaults 0 1' > "$root/etc/fstab"; cp /bin/ls "$root/bin/"
  head -c "$2" /dev/zero | tr '\0' 'S' > "$root/data.bin"
  virt-make-fs --format=qcow2 --type=ext4 --size=+64M "$root" "$DIR/$G.qcow2"
  rm -rf "$root"
  cat > "$DIR/$G.xml" <<XML
<domain type='qemu'><name>$G</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$DIR/$G.qcow2'/><target dev='vda' bus='virtio'/></disk>
<interface type='user'><model type='virtio'/></interface></devices></domain>
XML
  virsh -q define "$DIR/$G.xml" >/dev/null
  api "$URL/api/hosts/local/vms/$G" >/dev/null
  t=$(ms); strata_op POST "/api/hosts/local/vms/$G/template" '{}'; SEAL_MS=$(( $(ms) - t ))
  TPL="template-$G"; TIMG="$DIR/$TPL.qcow2"
}

# thin_round TAG COUNT: the shell loop and one Strata batch of COUNT thin VMs; appends to T[vt], T[st].
thin_round() {
  local tag=$1 P=$2 t v
  t=$(ms)
  for i in $(seq 1 "$P"); do
    v="st-$RUN-loop$tag-$i"
    qemu-img create -q -f qcow2 -b "$TIMG" -F qcow2 "$DIR/$v.qcow2"
    cat > "$DIR/$v.xml" <<XML
<domain type='qemu'><name>$v</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$DIR/$v.qcow2'/><target dev='vda' bus='virtio'/></disk>
<interface type='user'><model type='virtio'/></interface></devices></domain>
XML
    virsh -q define "$DIR/$v.xml" >/dev/null
  done
  T[vt]+="$(( $(ms) - t )) "
  stimed st POST "/api/templates/$TPL/provision" "{\"namePattern\":\"st-$RUN-thin$tag-{n}\",\"count\":$P,\"method\":\"thin\"}"
}

if has thin; then
  make_template thin "${BENCH_THIN_DATA:-16M}"
  P=${BENCH_THIN_COUNT:-100}
  R=${BENCH_THIN_ROUNDS:-3}
  for r in $(seq 1 "$R"); do thin_round "$r" "$P"; done
  # The 2×$P×$R VMs go again: later phases (and Strata's syncs of host local) should not read them.
  for vm in $(virsh list --all --name | grep -E "^st-$RUN-(loop|thin)" || true); do virsh -q undefine "$vm" >/dev/null 2>&1 || true; done
  rm -f "$DIR"/st-"$RUN"-loop* "$DIR"/st-"$RUN"-thin*
  echo; echo "$P thin VMs from a sealed template, $R rounds (ms): shell loop (qemu-img create -b -F + virsh define) vs one Strata batch until all jobs succeeded"
  echo "  loop:   ${T[vt]}"; echo "  Strata: ${T[st]}"
  v=$(echo ${T[vt]} | median); s=$(echo ${T[st]} | median)
  ratios=$(paste -d' ' <(echo ${T[vt]} | tr ' ' '\n') <(echo ${T[st]} | tr ' ' '\n') | awk '{ printf "%.2f ", $2 / $1 }')
  awk -v n="$P" -v v="$v" -v s="$s" -v r="$ratios" 'BEGIN { printf "TARGET 2  %d thin VMs: loop %.0f ms, Strata %.0f ms (medians), ratio %.2fx (per round: %s; target <= 1.1x and < 5000 ms)\n", n, v, s, s / v, r }'
fi

if has provision; then
  make_template gold "${BENCH_CLONE_DATA:-2G}"
  seal=$SEAL_MS
  P=${BENCH_PROVISION_COUNT:-50}
  thin_round p "$P"
  loop=${T[vt]##* }; loop=$(echo ${T[vt]} | awk '{print $NF}'); batch=$(echo ${T[st]} | awk '{print $NF}')
  # Full clone of the template (2 GiB of data) vs qemu-img convert of the same image. One untimed
  # convert first, so both read the template from the page cache; then convert, clone, convert,
  # each timed until its data is on disk (sync), or the page cache decides who looks faster.
  qemu-img convert -f qcow2 -O qcow2 "$TIMG" "$DIR/convert.qcow2"; rm -f "$DIR/convert.qcow2"; sync
  t=$(ms); qemu-img convert -f qcow2 -O qcow2 "$TIMG" "$DIR/convert.qcow2"; sync; conv1=$(( $(ms) - t ))
  rm -f "$DIR/convert.qcow2"; sync
  t=$(ms); strata_op POST "/api/templates/$TPL/provision" "{\"name\":\"st-$RUN-clone\",\"method\":\"clone\"}"; sync; clone=$(( $(ms) - t ))
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

# json_num KEY: a number field from the JSON on stdin.
json_num() { awk -v k="\"$1\":" '{ i = index($0, k); if (i) { s = substr($0, i + length(k)); match(s, /^[0-9.eE+-]+/); print substr(s, 1, RLENGTH); exit } }'; }

if has engine; then
  R=${BENCH_ENGINE_ROUNDS:-3}
  J=${BENCH_ENGINE_JOBS:-5000}
  C=${BENCH_ENGINE_CLIENTS:-4}
  psql -h 127.0.0.1 -U postgres -d "$DB" -q <<'SQL' >/dev/null
CREATE TABLE bench_queue (id bigserial PRIMARY KEY, state text NOT NULL, started_at timestamptz, finished_at timestamptz);
CREATE INDEX bench_queue_queued ON bench_queue (id) WHERE state = 'QUEUED';
SQL
  # One round of no-op jobs first, not counted: the JIT compiles the engine's paths (pgbench has
  # nothing to warm up); BENCH_ENGINE_WARMUP=0 skips it.
  if [[ "${BENCH_ENGINE_WARMUP:-1}" != 0 ]]; then
    warm=$(sop call POST "/api/bench/jobs?count=$J&batch=100" | json_num jobsPerSecond | awk '{ printf "%d", $1 }')
  fi
  for r in $(seq 1 "$R"); do
    psql -h 127.0.0.1 -U postgres -d "$DB" -q -c "TRUNCATE bench_queue" \
      -c "INSERT INTO bench_queue (state) SELECT 'QUEUED' FROM generate_series(1, 300000)" -c "VACUUM ANALYZE bench_queue" >/dev/null
    tps=$(pgbench -h 127.0.0.1 -U postgres -n -c "$C" -j 2 -T "${BENCH_PGBENCH_SECONDS:-5}" -f scripts/bench/claim.sql "$DB" 2>/dev/null \
          | awk '/^tps/ {print $3; exit}')
    T[vj]+="${tps%.*} "
    if [[ -n "${BENCH_PROFILE:-}" && $r == 1 ]]; then
      # A wall-clock profile of this round (scripts/StackSamples.java): 40 thread dumps of the app.
      ( sleep 2; for _ in $(seq 1 40); do jstack "$APP" 2>/dev/null; sleep 0.25; done > "target/bench-engine-stacks.txt" ) &
      PROF=$!
    fi
    # The job tables vacuumed and analysed like the pgbench table above (autovacuum would get to
    # them later; a fresh database has no statistics, and the claim then sorts the whole queue).
    psql -h 127.0.0.1 -U postgres -d "$DB" -q -c "VACUUM ANALYZE job, job_log, audit_event" >/dev/null
    out=$(sop call POST "/api/bench/jobs?count=$J&batch=100")
    if [[ -n "${PROF:-}" ]]; then
      wait "$PROF"; PROF=""
      echo; echo "Where the engine's threads spent round 1 (wall clock, from thread dumps):"
      java scripts/StackSamples.java target/bench-engine-stacks.txt strata-worker executor-thread | head -12
    fi
    T[sj]+="$(echo "$out" | json_num jobsPerSecond | awk '{ printf "%d", $1 }') "
    T[eq]+="$(echo "$out" | json_num enqueueSeconds | awk '{ printf "%.2f", $1 }') "
  done
  # Enqueue-to-start latency: one job at a time, workers idle in between.
  same=$(sop call POST "/api/bench/latency?count=${BENCH_LATENCY_JOBS:-200}")
  start_app "$PORT2" second -Dstrata.jobs.enabled=false -Dstrata.inventory.sync-interval=1h
  client "http://127.0.0.1:$PORT2"
  other=$(sop call POST "/api/bench/latency?count=${BENCH_LATENCY_JOBS:-200}")
  kill "$LAST_APP"; wait "$LAST_APP" 2>/dev/null || true
  client "$URL"
  v=$(echo ${T[vj]} | median); s=$(echo ${T[sj]} | median)
  echo; echo "Job engine: $J no-op jobs per round (queued in batches of 100, each with its audit event), $R rounds, jobs/s"
  echo "  pgbench claim-and-complete loop ($C clients): ${T[vj]}"
  echo "  Strata end to end (4 workers):              ${T[sj]}"
  echo "  (of which queuing took, s:                   ${T[eq]}; warm-up round, not counted: ${warm:-none} jobs/s; load $(cut -d' ' -f1 /proc/loadavg))"
  awk -v v="$v" -v s="$s" 'BEGIN { printf "TARGET 3a job engine: Strata %.0f jobs/s, bare SKIP LOCKED loop %.0f/s (medians), ratio %.2fx (target >= 2000/s and >= 0.5x)\n", s, v, s / v }'
  p50s=$(echo "$same" | json_num p50ms); p95s=$(echo "$same" | json_num p95ms)
  p50o=$(echo "$other" | json_num p50ms); p95o=$(echo "$other" | json_num p95ms)
  [[ -n "$p50s" && -n "$p50o" ]] || echo "latency answers (ms status body): same node: $same | other node: $other"
  awk -v a="$p50s" -v b="$p95s" -v c="$p50o" -v d="$p95o" 'BEGIN { printf "TARGET 3b enqueue-to-start: same node p50 %.1f ms (p95 %.1f; target < 5), other node p50 %.1f ms (p95 %.1f; target < 20)\n", a, b, c, d }'
fi

if has audit; then
  a1=$(sop call POST "/api/bench/audit?count=${BENCH_AUDIT_COUNT:-2000}&threads=1" | json_num appendsPerSecond)
  a4=$(sop call POST "/api/bench/audit?count=${BENCH_AUDIT_COUNT:-2000}&threads=4" | json_num appendsPerSecond)
  awk -v a="$a1" -v b="$a4" 'BEGIN { printf "\nTARGET 5  audit chain appends, one event per transaction: %.0f/s with 1 thread, %.0f/s with 4 threads\n", a, b }'
fi

if has lists; then
  # The main app no longer runs; a fresh one knows host "big" and has not listed it yet.
  kill "$APP"; wait "$APP" 2>/dev/null || true
  # No scheduler: its first periodic sync (5 s after start) would read both hosts while we measure.
  start_app "$PORT" lists -Dstrata.inventory.sync-interval=1h -Dquarkus.scheduler.enabled=false
  APP=$LAST_APP
  client "$URL"
  t=$(ms); virsh -c "test://$BIG" list --all --name | wc -l >/dev/null; rawlist=$(( $(ms) - t ))
  for r in 1 2 3; do stimed sy POST /api/hosts/big/sync; done
  sync_ms=$(echo ${T[sy]} | median)
  jar=$(mktemp)
  token=$(curl -s -c "$jar" "$URL/login" | sed -n 's/.*name="csrf-token" value="\([^"]*\)".*/\1/p' | head -1)
  # Both session cookies: the session and its epoch (without the epoch the page is a redirect to /login).
  cookie=$(curl -s -o /dev/null -b "$jar" -c - --data-urlencode "j_username=admin" --data-urlencode "j_password=$PW" \
    --data-urlencode "csrf-token=$token" "$URL/j_security_check" \
    | awk '$6 ~ /^strata-session(-epoch)?$/ {printf "%s%s=%s", (n++ ? "; " : ""), $6, $7}')
  rm -f "$jar"
  auth="Authorization: Basic $(printf 'admin:%s' "$PW" | base64 -w0)"
  echo; echo "Lists at scale: host big (test:///, $(grep -c 'xmlns:test=' "$BIG") domains, $(grep -c '<test:domainsnapshot>' "$BIG") snapshots)"
  echo "  full inventory sync (job, ms): ${T[sy]}  (virsh list --all of the same file: $rawlist ms)"
  # The API list twice: as HTTP clients ask for it (Accept-Encoding: gzip) and uncompressed.
  PAGES=("api /api/hosts/big/vms" "identity /api/hosts/big/vms" "page /vms" "page /vms/big/big-0500")
  headers() { # headers KIND: the auth and encoding headers of one kind of request
    hdr=$([[ $1 != page ]] && echo "$auth" || echo "Cookie: $cookie")
    enc=$([[ $1 == identity ]] && echo "Accept-Encoding: identity" || echo "Accept-Encoding: gzip")
  }
  # Only a 200 is measured (wrk counts a redirect to the login page as an answer): checked before
  # and after each run.
  answer() { read -r code size < <(curl -s -H "$hdr" -H "$enc" "$URL$1" -o /dev/null -w '%{http_code} %{size_download}\n')
    [[ "$code" == 200 ]] || { echo "GET $1 answered $code, not 200" >&2; exit 1; }; }
  # measure KIND PATH SECONDS LABEL: wrk with 50 connections on one page, checked for a 200 before and
  # after; prints p50/p95/p99, throughput and the app's highest RSS during the run.
  measure() {
    local kind=$1 path=$2 secs=$3 label=$4 res rss sampler
    headers "$kind"; answer "$path"
    ( for _ in $(seq 1 "$secs"); do sleep 1; awk '/VmRSS/ {print $2}' /proc/$APP/status; done ) > "$DIR/rss" &
    sampler=$!
    res=$(wrk -t2 -c50 --timeout 60s -d"$secs"s -H "$hdr" -H "$enc" -s scripts/bench/percentiles.lua "$URL$path" | awk '/^WRK/')
    wait "$sampler"
    answer "$path"
    rss=$(sort -n "$DIR/rss" | tail -1)
    shown=$([[ $kind == page ]] && echo "$path" || echo "$path (${enc#*: })")
    echo "$res" | awk -v l="$label" -v p="$shown" -v rss="$rss" -v kb="$((size / 1024))" '{ printf "%s GET %-33s 50 connections: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %d requests (%.0f/s), %d errors; %d KiB a response; app RSS %d MiB (target p95 < 100 ms)\n", l, p, $2, $3, $4, $5, $7, $6, kb, rss / 1024 }'
  }
  # Cold: each page right after the start, for the record (not the target). The JIT keeps
  # compiling for minutes under this load (Hibernate, Qute, Vert.x paths): a page answers 2-3x
  # slower in its first seconds than once the server runs warm.
  echo "  cold, first seconds after the start (for the record, not the targets):"
  for page in "${PAGES[@]}"; do
    measure "${page%% *}" "${page#* }" "${BENCH_WRK_COLD:-5}" "  (cold)"
  done
  # Then warm, as a server runs: BENCH_WRK_WARMUP seconds (default 240) of all four at once, uncounted.
  warming=()
  for page in "${PAGES[@]}"; do
    headers "${page%% *}"
    wrk -t1 -c12 -d"${BENCH_WRK_WARMUP:-240}"s -H "$hdr" -H "$enc" "$URL${page#* }" >/dev/null &
    warming+=($!)
  done
  wait "${warming[@]}" # not a bare wait: the apps and the bench client run in the background too
  jfr_start lists
  for page in "${PAGES[@]}"; do
    kind=${page%% *}
    measure "$kind" "${page#* }" "${BENCH_WRK_SECONDS:-10}" "$([[ $kind == identity ]] && echo "  (plain)" || echo "TARGET 4 ")"
  done
  jfr_stop lists
  awk -v s="$sync_ms" 'BEGIN { printf "TARGET 4  full sync of the host: %.0f ms median (target < 2000 ms)\n", s }'
fi

echo; echo "Strata's jobs (medians): queued → claimed, claimed → finished"
psql -h 127.0.0.1 -U postgres -d "$DB" -tA -F ' ' -c "SELECT kind || '/' || coalesce(payload->>'kind', ''),
  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) * 1000)::numeric, 1),
  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)) * 1000)::numeric, 1)
  FROM job WHERE kind NOT IN ('INVENTORY_SYNC', 'BENCH_NOOP') GROUP BY 1 ORDER BY 1" | awk '{ printf "%-26s queued %6s ms   running %7s ms\n", $1, $2, $3 }'
