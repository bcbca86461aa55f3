#!/usr/bin/env bash
# Finds out whether KVM can really boot a guest on this machine: /dev/kvm existing is not enough (a nested
# "kvm-pvm" device, for example, opens fine but cannot run an unmodified guest). Boots a throw-away overlay of
# the test guest with `-enable-kvm` (CPU as libvirt's kvm domains use it: host-passthrough) for up to
# LAB_KVM_PROBE_SECONDS (25) and waits for the busybox shell banner on the serial port. Writes "kvm" or "qemu"
# (software emulation) to OUT and prints the verdict. The qemu process is killed on every path.
#   scripts/assets/probe-kvm.sh [GUEST.qcow2] [OUT]
#   (defaults: /var/lib/lab-portal/assets/guest.qcow2 and virt-type next to it)
set -euo pipefail
GUEST=${1:-/var/lib/lab-portal/assets/guest.qcow2}
OUT=${2:-$(dirname "$GUEST")/virt-type}
SECONDS_MAX=${LAB_KVM_PROBE_SECONDS:-25}
[ -r "$GUEST" ] || { echo "probe-kvm: no guest image at $GUEST (scripts/assets/build-guest-image.sh)" >&2; exit 1; }

verdict() {
  printf '%s\n' "$1" >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
  echo "virt-type: $1 — $2"
}

if [ ! -e /dev/kvm ]; then
  verdict qemu "no /dev/kvm on this machine; using software emulation (guests run much slower)"
  exit 0
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
  verdict qemu "/dev/kvm exists but is not usable by $(id -un) (permissions); using software emulation"
  exit 0
fi

WORK=$(mktemp -d)
PID=
stop_pid() { # TERM, then KILL after 2 s
  kill -0 "$1" 2>/dev/null || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
  local q
  q=$(cat "$WORK/qemu.pid" 2>/dev/null || true)
  # only our own qemu: the pid from its pidfile, and only while it is still the child of our sh
  if [ -n "$q" ] && [ -n "$PID" ] && [ "$(ps -o ppid= -p "$q" 2>/dev/null | tr -d ' ')" = "$PID" ]; then stop_pid "$q"; fi
  if [ -n "$PID" ]; then stop_pid "$PID"; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

qemu-img create -q -f qcow2 -b "$(readlink -f "$GUEST")" -F qcow2 "$WORK/probe.qcow2"
LOG=$WORK/serial.log
: >"$LOG"
# Through sh, so a qemu that aborts (SIGABRT on a KVM error) is an exit code here, not a shell job notice.
sh -c '"$@"; exit $?' qemu qemu-system-x86_64 -enable-kvm -machine pc -cpu host -m 128 -smp 1 -display none \
  -nodefaults -no-reboot -serial "file:$LOG" -drive "file=$WORK/probe.qcow2,format=qcow2,if=virtio" -net none \
  -pidfile "$WORK/qemu.pid" >"$WORK/qemu.out" 2>&1 &
PID=$!

booted=0
start=$SECONDS
end=$((start + SECONDS_MAX))
while [ $SECONDS -lt $end ]; do
  if grep -qa "BusyBox v" "$LOG"; then booted=1; break; fi
  kill -0 "$PID" 2>/dev/null || break # qemu gave up (KVM refused, emulation failure, …)
  sleep 0.5
done
# one last look: the banner may have arrived just as qemu exited or time ran out
[ $booted -eq 0 ] && grep -qa "BusyBox v" "$LOG" && booted=1

if [ $booted -eq 1 ]; then
  verdict kvm "KVM booted the test guest to a shell in $((SECONDS - start))s; using hardware virtualisation"
  exit 0
fi
why=$(grep -aiE "emulation failure|kvm|error|failed" "$WORK/qemu.out" | head -1 || true)
[ -z "$why" ] && why="no shell on the serial port within ${SECONDS_MAX}s (last serial line: $(tr -d '\r' <"$LOG" | grep -a . | tail -1 | cut -c1-80))"
if [ -d /sys/module/kvm_pvm ]; then kind="nested PVM: the kvm_pvm module"; else kind="nested or restricted KVM?"; fi
verdict qemu "KVM is present but cannot boot an unmodified guest here ($kind); using software emulation (guests run much slower). Detail: $why"
