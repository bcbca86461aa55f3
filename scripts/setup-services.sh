#!/usr/bin/env bash
# Installs (Debian packages) and starts the system services Lab Portal and its tests use. Idempotent: safe to
# rerun; a service already running is left alone. On a server with systemd, prefer the units (see README,
# "Running the services under systemd"); this script starts daemons directly because containers and CI have
# no init system.
#   scripts/setup-services.sh [postgres] [chromium] ...   (no argument: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

want() { [ $# -eq 0 ] && return 0; for w in "${WANT[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
WANT=("$@")
[ ${#WANT[@]} -eq 0 ] && WANT=(postgres chromium)

PG_USER=${LAB_PG_USER:-labportal}
PG_PASS=${LAB_PG_PASSWORD:-labportal}
PG_PORT=${LAB_PG_PORT:-5432}

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
