#!/usr/bin/env bash
# Builds a small guest that really boots under libvirt (TCG), from Debian packages only:
#   the installed kernel (linux-image-amd64, booted directly with <kernel>/<initrd>),
#   an initramfs from busybox-static with the virtio, ACPI-button and ext4 modules,
#   busybox acpid (power button -> poweroff -f), qemu-guest-agent on its virtio-serial port,
#   a /sbin/shutdown for the agent's guest-shutdown, and the VM's disk (vda) mounted read-write
#   on /mnt/data (formatted ext2 by the guest when blank).
#
#   build-boot-guest.sh OUT_DIR
#
# Writes into OUT_DIR: vmlinuz, initrd.img (the normal guest), initrd-ignore.img (a guest that
# ignores shutdown requests: no acpid, a /sbin/shutdown that does nothing; for timeout tests),
# disk.qcow2 (64 MiB, one ext4 filesystem over the whole disk), kernel-version.
# The guest prints "STRATA-GUEST-READY boot=N" on its console (ttyS0) once acpid and the agent run,
# N counting its boots on the disk. Needs: busybox-static, qemu-guest-agent, linux-image-amd64,
# cpio, gzip, e2fsprogs, qemu-utils. Arguments are never interpreted by a shell.
set -euo pipefail

out="${1:?usage: build-boot-guest.sh OUT_DIR}"
mkdir -p -- "$out"
out="$(cd -- "$out" && pwd)"

# The installed kernel, not necessarily the running one: its modules match it.
kernel="$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)"
[[ -n "$kernel" ]] || { echo "no /boot/vmlinuz-*: install linux-image-amd64" >&2; exit 1; }
kver="${kernel#/boot/vmlinuz-}"
moddir="/lib/modules/$kver"
[[ -d "$moddir" ]] || { echo "no $moddir for $kernel" >&2; exit 1; }
[[ -x /bin/busybox ]] || { echo "no /bin/busybox: install busybox-static" >&2; exit 1; }
[[ -x /usr/sbin/qemu-ga ]] || { echo "no /usr/sbin/qemu-ga: install qemu-guest-agent" >&2; exit 1; }

# Load order matters: insmod resolves nothing by itself.
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_console
         evdev button virtio_blk crc16 mbcache jbd2 crc32c_generic ext4)

work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT

build_root() { # build_root DIR VARIANT(normal|ignore)
  local root="$1" variant="$2"
  mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,var/log,etc/acpi/PWRF,mnt/data,lib/modules,usr/sbin}
  ln -s ../run "$root/var/run"
  cp /bin/busybox "$root/bin/busybox"
  for m in "${modules[@]}"; do
    local f
    f="$(find "$moddir/kernel" -name "$m.ko*" | head -1)"
    [[ -n "$f" ]] || { echo "module $m not found under $moddir" >&2; exit 1; }
    case "$f" in
      *.ko) cp -- "$f" "$root/lib/modules/$m.ko" ;;
      *.ko.xz) xz -dc -- "$f" >"$root/lib/modules/$m.ko" ;;
      *.ko.zst) zstd -qdc -- "$f" >"$root/lib/modules/$m.ko" ;;
      *) echo "unknown module file $f" >&2; exit 1 ;;
    esac
  done
  # qemu-ga and the libraries ldd names (with the dynamic loader), at the same paths.
  cp /usr/sbin/qemu-ga "$root/usr/sbin/qemu-ga"
  ldd /usr/sbin/qemu-ga | grep -oE '/[^ ]+' | sort -u | while read -r lib; do
    mkdir -p "$root$(dirname -- "$lib")"
    cp -L -- "$lib" "$root$lib"
  done
  printf '%s\n' "${modules[@]}" >"$root/etc/modules-order"

  if [[ "$variant" == normal ]]; then
    cat >"$root/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo "strata-guest: power button, powering off" >/dev/console
sync
poweroff -f
EOF
    cat >"$root/sbin/shutdown.strata" <<'EOF'
#!/bin/sh
case " $* " in *" -r "*) sync; reboot -f ;; *) sync; poweroff -f ;; esac
EOF
  else
    cat >"$root/sbin/shutdown.strata" <<'EOF'
#!/bin/sh
echo "strata-guest: ignoring shutdown $*" >/dev/console
EOF
  fi
  chmod 0755 "$root/sbin/shutdown.strata"
  [[ -f "$root/etc/acpi/PWRF/00000080" ]] && chmod 0755 "$root/etc/acpi/PWRF/00000080"

  cat >"$root/init" <<EOF
#!/bin/busybox sh
variant=$variant
EOF
  cat >>"$root/init" <<'EOF'
/bin/busybox --install -s /bin
export PATH=/sbin:/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs run /run
mv /sbin/shutdown.strata /sbin/shutdown
for m in $(cat /etc/modules-order); do
  insmod /lib/modules/$m.ko 2>/dev/null || echo "strata-guest: insmod $m failed" >/dev/console
done
# The disk: vda, one filesystem over the whole device; formatted when blank.
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 0.2; done
if [ -b /dev/vda ]; then
  if ! mount -t ext4 /dev/vda /mnt/data 2>/dev/null; then
    if [ "$(dd if=/dev/vda bs=4096 count=16 2>/dev/null | tr -d '\000' | wc -c)" = 0 ]; then
      echo "strata-guest: blank disk, formatting" >/dev/console
      mke2fs -q /dev/vda && mount -t ext4 /dev/vda /mnt/data
    fi
  fi
fi
boots=0
if grep -q ' /mnt/data ' /proc/mounts; then
  boots=$(cat /mnt/data/boot-count 2>/dev/null || echo 0)
  boots=$((boots + 1))
  echo "$boots" >/mnt/data/boot-count
  sync
else
  echo "strata-guest: no data disk mounted" >/dev/console
fi
if [ "$variant" = normal ]; then
  acpid -f -c /etc/acpi &
fi
port=
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  for n in /sys/class/virtio-ports/*/name; do
    [ -f "$n" ] && [ "$(cat "$n")" = org.qemu.guest_agent.0 ] && port=/dev/$(basename "$(dirname "$n")")
  done
  [ -n "$port" ] && [ -c "$port" ] && break
  sleep 0.2
done
if [ -n "$port" ]; then
  qemu-ga -m virtio-serial -p "$port" -t /run -d
else
  echo "strata-guest: no guest agent port" >/dev/console
fi
echo "STRATA-GUEST-READY boot=$boots variant=$variant" >/dev/console
while true; do sleep 3600; done
EOF
  chmod 0755 "$root/init"
}

for variant in normal ignore; do
  build_root "$work/$variant" "$variant"
  name=initrd.img
  [[ "$variant" == ignore ]] && name=initrd-ignore.img
  (cd "$work/$variant" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$work/$name"
  mv -f -- "$work/$name" "$out/$name"
done

cp -- "$kernel" "$out/vmlinuz"
echo "$kver" >"$out/kernel-version"

# The disk: ext4 over the whole device, made on a raw file and converted.
mkfs.ext4 -q -F -L strata-data "$work/disk.raw" 64M
qemu-img convert -q -f raw -O qcow2 "$work/disk.raw" "$out/disk.qcow2"
chmod 0644 -- "$out"/*
echo "$out"
