#!/usr/bin/env bash
# Quick start on a fresh Debian machine (as root): installs what the portal needs, builds it, migrates the
# SQLite database in data/, seeds the first admin and starts Lab Portal on http://localhost:3000 in the
# background (it writes its JSON log lines to logs/portal.log itself; anything else it prints, such as a crash,
# goes to logs/portal-stderr.log; pid in data/portal.pid). Safe to rerun: restarts the portal.
# Everything a shipped feature needs is installed: libvirt + QEMU, Docker, the demo images, and OpenVPN +
# nftables + /dev/net/tun for the lab VPN. Files in data/ and logs/ are private (umask 077: 0600 files, 0700 folders).
#   --foreground   run in this terminal instead (Ctrl-C stops it)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
export NEXT_TELEMETRY_DISABLED=1

step "System packages"
command -v node >/dev/null || fail "Node.js 20.19+ is required (https://nodejs.org or your distribution's nodejs package)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' || fail "Node.js 20.19+ is required, found $(node --version)"
ok "Node.js $(node --version)"
if [ "$(id -u)" -eq 0 ]; then
  apt_install python3 make g++ openssl
  # libvirt/KVM, Docker, the lab VPN (openvpn, nftables, tun) and the demo guest image + container image
  bash scripts/setup-services.sh libvirt docker vpn assets
fi
# from here on, what this script writes (.env, logs, the database, secrets) is readable by this user only
umask 077

step "Dependencies and build"
[ -f .env ] || { cp .env.example .env; ok "created .env from .env.example (edit it to change settings)"; }
npm install --no-audit --no-fund >/dev/null && ok "npm packages installed"
if [ -f native/build/wspump.node ]; then ok "console bridge: native splice pump built (native/build/wspump.node)"
else echo "  ! console bridge: the native pump was not built (npm run build:native says why); consoles bridge in JavaScript"; fi
npx next build >logs/build.log 2>&1 || { tail -40 logs/build.log; fail "build failed (full log: logs/build.log)"; }
ok "production build ready"

step "Start"
if [ -f data/portal.pid ] && kill -0 "$(cat data/portal.pid)" 2>/dev/null; then
  kill -TERM "$(cat data/portal.pid)"; sleep 2; ok "stopped the previous portal"
fi
set -a; . ./.env; set +a
PORT=${PORT:-3000}
if [ "${1:-}" = "--foreground" ]; then exec env NODE_ENV=production node --import tsx server.ts; fi
mkdir -p logs data && chmod 700 logs data
# the portal writes logs/portal.log itself (its stdout carries the same lines)
nohup env NODE_ENV=production node --import tsx server.ts >/dev/null 2>>logs/portal-stderr.log &
echo $! >data/portal.pid
wait_for 120 "Lab Portal on port $PORT" curl -fsS "http://127.0.0.1:$PORT/api/health"
step "Demo hosts and templates"
npx tsx scripts/seed-demo.ts || fail "could not register the local hosts and demo templates"
echo
# a generated first-admin password is never logged: the portal leaves it in a 0600 file, printed here once
PASSWORD_FILE="${DATA_DIR:-data}/first-admin-password"
if [ -s "$PASSWORD_FILE" ]; then
  echo "  ┌──────────────────────────────────────────────────────────────"
  echo "  │ First admin: ${ADMIN_EMAIL:-admin@lab.local}"
  echo "  │ Password (shown once, not kept anywhere): $(cat "$PASSWORD_FILE")"
  echo "  │ You will be asked to choose your own at first sign-in."
  echo "  └──────────────────────────────────────────────────────────────"
  rm -f "$PASSWORD_FILE"
fi
echo "  Open http://localhost:$PORT and sign in as ${ADMIN_EMAIL:-admin@lab.local}."
echo "  (A generated admin password is shown once above, on the first start only.)"
echo "  Stop: kill \$(cat data/portal.pid)    Logs: tail -f logs/portal.log"
