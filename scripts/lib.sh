# Shared helpers for the setup scripts: one ✓/✗ line per step.
ok()   { printf '  \033[32m✓\033[0m %s\n' "$*"; }
fail() { printf '  \033[31m✗\033[0m %s\n' "$*" >&2; exit 1; }
step() { printf '\033[1m%s\033[0m\n' "$*"; }
# wait_for SECONDS DESCRIPTION COMMAND...: retry COMMAND until it succeeds or time runs out
wait_for() {
  local seconds=$1 what=$2; shift 2
  local end=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $end ] && fail "$what did not answer within ${seconds}s"
    sleep 0.5
  done
  ok "$what is answering"
}
apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && { ok "packages present: $*"; return; }
  [ "$(id -u)" -eq 0 ] || fail "need root to install: ${missing[*]} (run with sudo)"
  if [ -z "${LAB_APT_UPDATED:-}" ]; then apt-get update -qq; export LAB_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  ok "installed: ${missing[*]}"
}
