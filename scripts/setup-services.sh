#!/usr/bin/env bash
# Installs (Debian packages) and starts the system services Lab Portal and its tests use. Idempotent: safe to
# rerun; a service already running is left alone. On a server with systemd, prefer the units (see README,
# "Running the services under systemd"); this script starts daemons directly because containers and CI have
# no init system.
#   scripts/setup-services.sh [postgres] [chromium] [libvirt] [docker] [sshd] [vpn] [metrics] [assets] ...
#   (no argument: postgres chromium libvirt docker sshd vpn assets)
#
# The systemd way (a real server): install the same packages, then
#   systemctl enable --now postgresql
#   systemctl enable --now virtlogd libvirtd
#   systemctl enable --now docker
#   systemctl enable --now ssh
# and run only the "assets" part of this script (it builds the test images and probes KVM).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

want() { [ $# -eq 0 ] && return 0; for w in "${WANT[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
WANT=("$@")
[ ${#WANT[@]} -eq 0 ] && WANT=(postgres chromium libvirt docker sshd vpn assets)

PG_USER=${LAB_PG_USER:-labportal}
PG_PASS=${LAB_PG_PASSWORD:-labportal}
PG_PORT=${LAB_PG_PORT:-5432}
ASSETS=${LAB_ASSETS_DIR:-/var/lib/lab-portal/assets}
TEST_IMAGE=${LAB_TEST_IMAGE:-labportal/test-ssh:latest}
DEMO_RDP_IMAGE=${LAB_DEMO_RDP_IMAGE:-labportal/demo-rdp:latest}

# start_daemon NAME COMMAND...: starts COMMAND detached (own session, log in /var/log/NAME.log) unless a
# process called NAME is already running; it survives this script.
start_daemon() {
  local name=$1; shift
  if pgrep -x "$name" >/dev/null; then ok "$name already running"; return; fi
  setsid nohup "$@" >>"/var/log/$name.log" 2>&1 </dev/null &
  ok "started $name (log: /var/log/$name.log)"
}

if want postgres; then
  step "PostgreSQL"
  apt_install postgresql postgresql-client
  cluster=$(pg_lsclusters -h | awk 'NR==1{print $1" "$2}')
  [ -n "$cluster" ] || { pg_createcluster 15 main --port "$PG_PORT" >/dev/null; cluster="15 main"; }
  # shellcheck disable=SC2086
  set -- $cluster
  if ! pg_lsclusters -h | awk -v v="$1" -v n="$2" '$1==v && $2==n {print $4}' | grep -q online; then
    pg_ctlcluster "$1" "$2" start
  fi
  wait_for 30 "PostgreSQL $1/$2" su postgres -c "psql -qAtc 'select 1'"
  su postgres -c "psql -qAt" <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASS';
  END IF;
END \$\$;
SQL
  su postgres -c "psql -qAtc \"SELECT 1 FROM pg_database WHERE datname='labportal'\"" | grep -q 1 \
    || su postgres -c "createdb -O $PG_USER labportal"
  ok "role $PG_USER and database labportal ready (postgresql://$PG_USER:***@127.0.0.1:$PG_PORT/labportal)"
fi

if want chromium; then
  step "Chromium (for Playwright; never downloaded by Playwright itself)"
  apt_install chromium fonts-dejavu-core
  /usr/bin/chromium --version >/dev/null 2>&1 && ok "$(/usr/bin/chromium --version)"
fi

if want libvirt; then
  step "libvirt + QEMU"
  apt_install libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils dnsmasq-base iptables iproute2
  if [ -e /dev/kvm ]; then
    chmod 666 /dev/kvm && ok "/dev/kvm is usable by everyone (whether KVM can boot a guest: see assets)"
  else
    ok "no /dev/kvm: guests will run under software emulation"
  fi
  # libvirt's QEMU user must be able to walk to the pool folders (Debian's default 711 allows it)
  chmod o+x /var/lib/libvirt /var/lib/libvirt/images
  # both daemonise themselves (-d) and refuse to start twice (pid file lock)
  if pgrep -x virtlogd >/dev/null; then ok "virtlogd already running"; else virtlogd -d && ok "started virtlogd"; fi
  if pgrep -x libvirtd >/dev/null; then ok "libvirtd already running"; else libvirtd -d && ok "started libvirtd"; fi
  wait_for 30 "libvirt (qemu:///system)" virsh -c qemu:///system version
fi

if want docker; then
  step "Docker"
  apt_install docker.io
  if docker info >/dev/null 2>&1; then ok "dockerd already answering"; else start_daemon dockerd dockerd; fi
  wait_for 60 "Docker" docker info
fi

if want sshd; then
  step "OpenSSH server (loopback SSH for the terminal tests)"
  apt_install openssh-server openssh-client
  mkdir -p /run/sshd
  ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1 || { ssh-keygen -A >/dev/null; ok "generated host keys"; }
  if pgrep -x sshd >/dev/null; then ok "sshd already running"; else /usr/sbin/sshd && ok "started sshd"; fi
  wait_for 15 "sshd on 127.0.0.1:22" bash -c 'exec 3<>/dev/tcp/127.0.0.1/22 && head -c 4 <&3 | grep -q SSH-'
fi

if want vpn; then
  step "OpenVPN, Easy-RSA and nftables (the lab VPN, its tests and bench:vpn)"
  apt_install openvpn easy-rsa nftables iproute2 iputils-ping
  [ -c /dev/net/tun ] || { mkdir -p /dev/net && mknod /dev/net/tun c 10 200 && chmod 666 /dev/net/tun; }
  [ -c /dev/net/tun ] && ok "/dev/net/tun present"
  # installed only: the portal writes server.conf and runs openvpn itself (VPN_RUN_OPENVPN) or a unit does
  ok "$(openvpn --version | head -1 | cut -d' ' -f1-2), easy-rsa $(dpkg-query -W -f='${Version}' easy-rsa), $(nft --version)"
fi

if want metrics; then
  step "promtool (Debian's prometheus package; the metrics test checks a real /metrics scrape with it)"
  had=$(dpkg-query -W -f='${Status}' prometheus 2>/dev/null | grep -c "install ok installed" || true)
  apt_install prometheus
  # a fresh install under systemd also starts a Prometheus server; only promtool is wanted here
  if [ "$had" = 0 ] && command -v systemctl >/dev/null && systemctl is-active -q prometheus 2>/dev/null; then
    systemctl disable --now prometheus >/dev/null 2>&1 && ok "stopped the Prometheus server the package started"
  fi
  ok "$(promtool --version 2>&1 | head -1)"
fi

if want bench; then
  step "Benchmark tools (websockify, the reference bridge for npm run bench:console)"
  apt_install websockify
  command -v websockify >/dev/null && ok "websockify $(dpkg-query -W -f='${Version}' websockify) at $(command -v websockify)"
fi

if want assets; then
  step "Test assets (guest disk image, container image, KVM probe)"
  apt_install linux-image-amd64 busybox-static syslinux syslinux-common mtools dosfstools fdisk cpio qemu-utils \
    qemu-system-x86 kmod xz-utils debootstrap xorriso
  mkdir -p "$ASSETS"
  GUEST=$ASSETS/guest.qcow2
  if [ -s "$GUEST" ] && [ "$GUEST" -nt scripts/assets/build-guest-image.sh ]; then
    ok "guest image up to date: $GUEST"
  else
    bash scripts/assets/build-guest-image.sh "$GUEST" >/dev/null && ok "built guest image $GUEST ($(du -h "$GUEST" | cut -f1))"
  fi
  docker info >/dev/null 2>&1 || fail "Docker is not answering: run scripts/setup-services.sh docker first"
  if docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
    ok "container image present: $TEST_IMAGE"
  else
    bash scripts/assets/build-docker-image.sh "$TEST_IMAGE" >/dev/null && ok "built container image $TEST_IMAGE"
  fi
  # the demo desktop: the same root filesystem plus xrdp (RDP on 3389), for the "Demo desktop (RDP)" template
  rdp_asset=$(sed -n 's/^ASSET=//p' scripts/assets/build-rdp-image.sh)
  if docker image inspect -f '{{join .Config.Env " "}}' "$DEMO_RDP_IMAGE" 2>/dev/null | grep -qw "LAB_PORTAL_ASSET=$rdp_asset"; then
    ok "container image present: $DEMO_RDP_IMAGE"
  else
    bash scripts/assets/build-rdp-image.sh "$DEMO_RDP_IMAGE" >/dev/null && ok "built container image $DEMO_RDP_IMAGE"
  fi
  # The probe boots the guest once with -enable-kvm: a /dev/kvm that opens may still not run guests (nested
  # PVM). Redone only when the guest image changed.
  if [ -s "$ASSETS/virt-type" ] && [ "$ASSETS/virt-type" -nt "$GUEST" ]; then
    ok "virt-type $(cat "$ASSETS/virt-type") (probed before; delete $ASSETS/virt-type to probe again)"
  else
    printf '  … probing KVM (boots the test guest, up to %ss)\n' "${LAB_KVM_PROBE_SECONDS:-25}"
    verdict=$(bash scripts/assets/probe-kvm.sh "$GUEST" "$ASSETS/virt-type") || fail "the KVM probe failed"
    ok "$verdict"
  fi
fi
