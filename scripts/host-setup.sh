#!/usr/bin/env bash
# Makes this machine ready for Strata: packages, libvirt daemons, PostgreSQL, a database.
# Idempotent; safe to run before every start. Needs root for installs (Debian 12).
set -euo pipefail

STRATA_DB_HOST="${STRATA_DB_HOST:-127.0.0.1}"
STRATA_DB_PORT="${STRATA_DB_PORT:-5432}"
STRATA_DB_USER="${STRATA_DB_USER:-postgres}"

log() { echo "[host-setup] $*" >&2; }

need_pkgs=()
command -v virsh      >/dev/null || need_pkgs+=(libvirt-clients)
command -v libvirtd   >/dev/null || need_pkgs+=(libvirt-daemon-system)
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
command -v qemu-img   >/dev/null || need_pkgs+=(qemu-utils)
# Templates: virt-sysprep / virt-customize / virt-make-fs, and a kernel for libguestfs' appliance.
command -v virt-sysprep >/dev/null || need_pkgs+=(libguestfs-tools)
ls /boot/vmlinuz-* >/dev/null 2>&1 || need_pkgs+=(linux-image-amd64)
# The booting test guest (scripts/build-boot-guest.sh): busybox for its initramfs, the guest agent.
# (busybox-static: the busybox package's binary is dynamically linked and would not run in it)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need_pkgs+=(busybox-static)
command -v qemu-ga    >/dev/null || [[ -x /usr/sbin/qemu-ga ]] || need_pkgs+=(qemu-guest-agent)
command -v cpio       >/dev/null || need_pkgs+=(cpio)
command -v mkfs.ext4  >/dev/null || need_pkgs+=(e2fsprogs)
command -v java       >/dev/null || need_pkgs+=(openjdk-17-jdk-headless)
command -v mvn        >/dev/null || need_pkgs+=(maven)
command -v psql       >/dev/null || need_pkgs+=(postgresql-client)
# ./strata bench: wrk (HTTP load) and pgbench (the bare queue loop; in Debian's server package).
command -v wrk        >/dev/null || need_pkgs+=(wrk)
command -v pgbench    >/dev/null || need_pkgs+=(postgresql)
# The browser tests (src/test/java/io/strata/browser): headless Chromium and its WebDriver.
command -v chromium   >/dev/null || need_pkgs+=(chromium)
[[ -x /usr/bin/chromedriver ]] || need_pkgs+=(chromium-driver)
pg_up() { pg_isready -q -h "$STRATA_DB_HOST" -p "$STRATA_DB_PORT" 2>/dev/null; }
if ! command -v pg_isready >/dev/null || ! pg_up; then
  # No PostgreSQL answering: start an installed cluster, or install one.
  if ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "starting the local PostgreSQL cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  else
    need_pkgs+=(postgresql)
  fi
fi

if ((${#need_pkgs[@]})); then
  log "installing: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # No initramfs for the kernel: it is only libguestfs' appliance kernel (supermin builds its own
  # initrd), and making one took two 8-minute mkinitramfs runs on a fresh 2-core machine.
  export INITRD=No
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if ! pg_up; then
  if ls /etc/postgresql/*/main >/dev/null 2>&1; then
    ver="$(ls /etc/postgresql | sort -V | tail -1)"
    # No 'trust' line is added: the app and the tests log in with scram passwords (below), and
    # this script reaches the server as the postgres account over the local socket (peer).
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start || pg_ctlcluster --skip-systemctl-redirect "$ver" main reload || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { log "PostgreSQL does not answer on $STRATA_DB_HOST:$STRATA_DB_PORT"; exit 1; }
fi

# psql as the database superuser: the local postgres account over the socket (peer
# authentication) when the server is on this machine, else STRATA_DB_USER over TCP.
psql_admin() {
  if [[ "$STRATA_DB_HOST" =~ ^(127\.0\.0\.1|localhost)$ ]] && id postgres >/dev/null 2>&1 && [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$STRATA_DB_PORT" "$@")
  else
    psql -X -q -v ON_ERROR_STOP=1 -h "$STRATA_DB_HOST" -p "$STRATA_DB_PORT" -U "$STRATA_DB_USER" "$@"
  fi
}
STRATA_ETC="${STRATA_ETC:-/etc/strata}"
new_secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# A root-only file of KEY=value lines, written once (umask 077); later runs reuse it.
ensure_env_file() {
  local file="$1"; shift
  [[ -f "$file" ]] && return 0
  install -d -m 0700 "$(dirname "$file")"
  (umask 077 && printf '%s\n' "$@" >"$file")
  log "wrote $file (mode 0600)"
}
env_value() { sed -n "s/^$2=//p" "$1" | tail -1; }

# /dev/kvm as udev would leave it (root:kvm 0660). Without udev it stays root-only: QEMU's
# capability probe (run as root) sees KVM, the check for the libvirt-qemu user does not, and
# libvirtd re-probes QEMU (about 4 s a time, ten times a define) on nearly every call.
if [[ -c /dev/kvm ]] && getent group kvm >/dev/null && [[ "$(stat -c %G:%a /dev/kvm)" != kvm:660 ]]; then
  log "giving /dev/kvm udev's usual owner and mode (root:kvm 0660)"
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi

# libvirt: no systemd here, so start the daemons ourselves when they are not running.
if ! pgrep -x virtlogd >/dev/null; then log "starting virtlogd"; virtlogd -d; fi
if ! pgrep -x libvirtd >/dev/null; then log "starting libvirtd"; libvirtd -d; fi
for _ in $(seq 1 30); do virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.5; done
virsh -c qemu:///system version >/dev/null 2>&1 || { log "libvirtd does not answer on qemu:///system"; exit 1; }

# Creates a database when it is missing, with its two roles: host-setup.sh createdb NAME
#   NAME_owner owns the schema and runs the migrations, NAME_app is what the app connects as
#   (INSERT and SELECT only on the audit tables). Their scram passwords are generated once and
#   kept in $STRATA_ETC/NAME.env (root only), which ./strata run reads.
if [[ "${1:-}" == createdb ]]; then
  db="$2"
  if ! psql_admin -d postgres -tA -v db="$db" <<<"SELECT 1 FROM pg_database WHERE datname = :'db'" | grep -q 1; then
    log "creating database $db"
    psql_admin -d postgres -v db="$db" <<<'CREATE DATABASE :"db"'
  fi
  env_file="$STRATA_ETC/$db.env"
  ensure_env_file "$env_file" \
    "QUARKUS_DATASOURCE_USERNAME=${db}_app" "QUARKUS_DATASOURCE_PASSWORD=$(new_secret)" \
    "QUARKUS_FLYWAY_USERNAME=${db}_owner" "QUARKUS_FLYWAY_PASSWORD=$(new_secret)"
  # The passwords go through stdin, not the command line (ps shows arguments).
  { printf '\\set owner %s\n\\set owner_password %s\n\\set app %s\n\\set app_password %s\n' \
      "$(env_value "$env_file" QUARKUS_FLYWAY_USERNAME)" "$(env_value "$env_file" QUARKUS_FLYWAY_PASSWORD)" \
      "$(env_value "$env_file" QUARKUS_DATASOURCE_USERNAME)" "$(env_value "$env_file" QUARKUS_DATASOURCE_PASSWORD)"
    cat "$(dirname "$0")/db-roles.sql"; } | psql_admin -d "$db" >/dev/null
  log "database $db: roles ${db}_owner (migrations) and ${db}_app (the app) ready"
fi

# The tests' administrator (host-setup.sh test-admin): a superuser with a scram password, kept in
# $STRATA_ETC/test-db.env (root only) for ./strata test. The tests create a database and its two
# roles per run and act as a superuser in the tamper tests; root can become postgres anyway.
if [[ "${1:-}" == test-admin ]]; then
  test_env="$STRATA_ETC/test-db.env"
  ensure_env_file "$test_env" "STRATA_TEST_PG_USER=strata_test_admin" "STRATA_TEST_PG_PASSWORD=$(new_secret)"
  { printf '\\set pw %s\n' "$(env_value "$test_env" STRATA_TEST_PG_PASSWORD)"
    cat <<'SQL'
SET password_encryption = 'scram-sha-256';
SELECT set_config('strata.pw', :'pw', false);
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'strata_test_admin') THEN CREATE ROLE strata_test_admin; END IF;
  EXECUTE format('ALTER ROLE strata_test_admin LOGIN SUPERUSER PASSWORD %L', current_setting('strata.pw'));
END $$;
SQL
  } | psql_admin -d postgres >/dev/null
fi
log "ready"
