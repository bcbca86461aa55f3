#!/usr/bin/env bash
# Builds the tiny bootable test guest from Debian packages: Debian's kernel + a busybox initramfs on a FAT
# partition made bootable with syslinux (MBR). No mount, no loop device: mtools writes into the image file.
# The guest prints a shell prompt on the VGA console (tty1) and the serial port, mounts its disk at /mnt/disk,
# asks DHCP for an address and powers off on the ACPI power button (so `virsh shutdown` works).
#   scripts/assets/build-guest-image.sh OUT.qcow2
set -euo pipefail
OUT=${1:?usage: build-guest-image.sh OUT.qcow2}
KVER=$(ls /lib/modules | sort -V | tail -1)
VMLINUZ=/boot/vmlinuz-$KVER
[ -r "$VMLINUZ" ] || { echo "no kernel at $VMLINUZ (apt-get install linux-image-amd64)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
R=$WORK/initramfs
mkdir -p "$R"/{bin,dev,proc,sys,tmp,mnt/disk,etc/acpi/PWRF,lib/modules,root,run,var/run,var/log}
cp /bin/busybox "$R/bin/busybox"
for a in sh mount; do ln -s busybox "$R/bin/$a"; done

# kernel modules (with their dependencies, in load order)
declare -A SEEN=()
ORDER=()
add_mod() {
  local m=$1 deps d
  [ -n "${SEEN[$m]:-}" ] && return 0
  SEEN[$m]=1
  deps=$(modinfo -k "$KVER" -F depends "$m" 2>/dev/null || true)
  for d in ${deps//,/ }; do add_mod "$d"; done
  local f
  f=$(modinfo -k "$KVER" -F filename "$m" 2>/dev/null || true)
  case "$f" in
    ""|"(builtin)") return 0 ;;
  esac
  local base
  base=$(basename "$f"); base=${base%.xz}; base=${base%.zst}
  case "$f" in
    *.xz) xz -dc "$f" > "$R/lib/modules/$base" ;;
    *.zst) zstd -qdc "$f" > "$R/lib/modules/$base" ;;
    *) cp "$f" "$R/lib/modules/$base" ;;
  esac
  ORDER+=("$base")
}
for m in virtio_pci virtio_blk virtio_net vfat nls_cp437 nls_ascii nls_iso8859_1 button evdev; do add_mod "$m"; done
printf '%s\n' "${ORDER[@]}" > "$R/etc/modules.order"

cat > "$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
while read -r m; do insmod "/lib/modules/$m" 2>/dev/null; done < /etc/modules.order
exec /bin/init
INIT
chmod 755 "$R/init"
cat > "$R/etc/inittab" <<'TAB'
::sysinit:/etc/rc
tty1::respawn:-/bin/sh
ttyS0::respawn:-/bin/sh
::ctrlaltdel:/bin/reboot
::shutdown:/bin/umount -a -r
TAB
cat > "$R/etc/rc" <<'RC'
#!/bin/sh
hostname labguest
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
sleep 1
mount -t vfat /dev/vda1 /mnt/disk 2>/dev/null || echo "no disk /dev/vda1"
ip link set lo up
for n in /sys/class/net/eth*; do [ -e "$n" ] && ip link set "${n##*/}" up && udhcpc -b -q -i "${n##*/}" -s /etc/udhcpc.sh >/dev/null 2>&1; done
mkdir -p /var/run /var/log
acpid -f -c /etc/acpi -l /dev/null -p /var/run/acpid.pid &
echo
echo "Lab Portal test guest ready"
RC
chmod 755 "$R/etc/rc"
cat > "$R/etc/udhcpc.sh" <<'DH'
#!/bin/sh
case "$1" in
  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface" ;;
  deconfig) ip addr flush dev "$interface" ;;
esac
DH
chmod 755 "$R/etc/udhcpc.sh"
printf '#!/bin/sh\npoweroff -f\n' > "$R/etc/acpi/PWRF/00000080"
chmod 755 "$R/etc/acpi/PWRF/00000080"
echo 'PS1="labguest:\w# "' > "$R/etc/profile"
echo "root:x:0:0:root:/root:/bin/sh" > "$R/etc/passwd"

(cd "$R" && find . | cpio -o -H newc --quiet | gzip -9) > "$WORK/initrd.gz"

# disk: MBR + one FAT16 partition (64 MiB), syslinux boot loader
IMG=$WORK/disk.raw
truncate -s 64M "$IMG"
echo 'label: dos
start=2048, type=6, bootable' | sfdisk -q "$IMG"
OFF=$((2048 * 512))
mkfs.vfat -F 16 --offset 2048 -n LABGUEST "$IMG" $((62 * 1024)) >/dev/null
cat > "$WORK/syslinux.cfg" <<'CFG'
DEFAULT lab
PROMPT 0
TIMEOUT 0
LABEL lab
  KERNEL /vmlinuz
  APPEND initrd=/initrd.gz console=ttyS0,115200 console=tty0 quiet loglevel=3
CFG
export MTOOLS_SKIP_CHECK=1
MT="$IMG@@$OFF"
mcopy -i "$MT" "$VMLINUZ" ::/vmlinuz
mcopy -i "$MT" "$WORK/initrd.gz" ::/initrd.gz
mcopy -i "$MT" "$WORK/syslinux.cfg" ::/syslinux.cfg
syslinux --install --offset "$OFF" "$IMG"
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$IMG" conv=notrunc bs=440 count=1 status=none
mkdir -p "$(dirname "$OUT")"
qemu-img convert -q -f raw -O qcow2 "$IMG" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "guest image: $OUT ($(du -h "$OUT" | cut -f1))"
