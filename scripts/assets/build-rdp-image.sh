#!/usr/bin/env bash
# Builds the demo RDP container image from Debian packages (no registry): the test image's root filesystem
# (build-docker-image.sh, cached) plus xrdp with the Xorg back end (xorgxrdp), the Openbox window manager and
# xterm, so signing in over RDP opens a small desktop; then `docker import`. The root filesystem is cached as a tarball, so a
# rerun only imports. The image runs xrdp-sesman and xrdp in the foreground, answering RDP on 3389 (and sshd on 22);
# user "student" (password "student").
#   scripts/assets/build-rdp-image.sh [IMAGE]   (default labportal/demo-rdp:latest)
set -euo pipefail
IMAGE=${1:-labportal/demo-rdp:latest}
CACHE=${LAB_ASSET_CACHE:-/var/cache/lab-portal}
BASE=$CACHE/rootfs-bookworm-ssh.tar
# ASSET names this recipe: setup-services.sh rebuilds an image that carries another one
ASSET=demo-rdp-desktop-1
TARBALL=$CACHE/rootfs-bookworm-$ASSET.tar
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$CACHE"
[ -s "$BASE" ] || bash "$HERE/build-docker-image.sh" >/dev/null
if [ ! -s "$TARBALL" ]; then
  ROOT=$(mktemp -d "$CACHE/rootfs-rdp.XXXX")
  trap 'umount "$ROOT/proc" 2>/dev/null || true; rm -rf "$ROOT"' EXIT
  tar -C "$ROOT" -xf "$BASE"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  mount -t proc proc "$ROOT/proc"
  chroot "$ROOT" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive && apt-get update -qq && apt-get install -y -qq --no-install-recommends xrdp xorgxrdp openbox xterm ssl-cert >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*' \
    >"$CACHE/rdp-image.log" 2>&1 || { tail -20 "$CACHE/rdp-image.log" >&2; exit 1; }
  umount "$ROOT/proc"
  # Xorg runs as the signed-in user (containers run with no-new-privileges: a setuid wrapper would not work)
  printf 'allowed_users=anybody\nneeds_root_rights=no\n' >"$ROOT/etc/X11/Xwrapper.config"
  : >"$ROOT/etc/resolv.conf"
  tar -C "$ROOT" --numeric-owner -cf "$TARBALL.tmp" .
  mv "$TARBALL.tmp" "$TARBALL"
fi
docker import \
  -c 'CMD ["/bin/sh", "-c", "mkdir -p /run/sshd /run/xrdp && /usr/sbin/sshd -e && /usr/sbin/xrdp-sesman && exec /usr/sbin/xrdp --nodaemon"]' \
  -c 'EXPOSE 22 3389' \
  -c 'ENV LANG=C.UTF-8' \
  -c "ENV LAB_PORTAL_ASSET=$ASSET" \
  -m "Lab Portal demo desktop image (Debian bookworm, xrdp, sshd)" \
  "$TARBALL" "$IMAGE" >/dev/null
echo "docker image: $IMAGE"
