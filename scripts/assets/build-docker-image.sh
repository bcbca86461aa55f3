#!/usr/bin/env bash
# Builds the test container image from Debian packages (no registry): debootstrap a minimal bookworm with a
# shell and openssh-server, then `docker import` it. The root filesystem is cached as a tarball, so a rerun
# only imports. The image runs sshd in the foreground; user "student" (password "student") can log in.
#   scripts/assets/build-docker-image.sh [IMAGE]   (default labportal/test-ssh:latest)
set -euo pipefail
IMAGE=${1:-labportal/test-ssh:latest}
CACHE=${LAB_ASSET_CACHE:-/var/cache/lab-portal}
TARBALL=$CACHE/rootfs-bookworm-ssh.tar
MIRROR=${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
mkdir -p "$CACHE"
if [ ! -s "$TARBALL" ]; then
  ROOT=$(mktemp -d "$CACHE/rootfs.XXXX")
  trap 'rm -rf "$ROOT"' EXIT
  debootstrap --variant=minbase --include=openssh-server,iproute2,procps,less,nano bookworm "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
  chroot "$ROOT" /bin/sh -c 'useradd -m -s /bin/bash student && echo student:student | chpasswd && mkdir -p /run/sshd && apt-get clean && rm -rf /var/lib/apt/lists/*'
  echo "labcontainer" > "$ROOT/etc/hostname"
  tar -C "$ROOT" --numeric-owner -cf "$TARBALL.tmp" .
  mv "$TARBALL.tmp" "$TARBALL"
fi
docker import \
  -c 'CMD ["/bin/sh", "-c", "mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e"]' \
  -c 'EXPOSE 22' \
  -c 'ENV LANG=C.UTF-8' \
  -m "Lab Portal test image (Debian bookworm, sshd)" \
  "$TARBALL" "$IMAGE" >/dev/null
echo "docker image: $IMAGE"
