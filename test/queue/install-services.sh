#!/usr/bin/env bash
# Installs the services the n8n queue-mode test needs, from Debian packages: PostgreSQL (server binaries: initdb,
# postgres, pg_ctl, psql) and Redis (redis-server). Idempotent: when both are already there it changes nothing and runs
# no apt command. It never starts or enables the system services: the test starts its own throw-away instances under a
# temporary folder, on free loopback ports (test/queue/services.ts).
# Prints the resolved paths as JSON on the last line of stdout: {"pgBin":"/usr/lib/postgresql/15/bin","redisServer":"…"}
set -euo pipefail

log() { echo "[install-services] $*" >&2; }
fail() { echo "[install-services] FAILED: $*. Rerun: bash test/queue/install-services.sh" >&2; exit 1; }

pg_bindir() {
  # Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<major>/bin; take the newest.
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && [ -x "$dir/psql" ]; then
    echo "$dir"
  fi
}

redis_bin() { command -v redis-server 2>/dev/null || true; }

if [ -z "$(pg_bindir)" ] || [ -z "$(redis_bin)" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    fail "postgresql and/or redis-server are missing and this is not root: run 'apt-get install -y postgresql redis-server' as root"
  fi
  log "installing postgresql and redis-server from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  # The system services are neither wanted nor able to start here (no systemd); a policy-rc.d refusal is harmless.
  apt-get update -qq >&2 || fail "apt-get update"
  apt-get install -y -qq --no-install-recommends postgresql redis-server >&2 || fail "apt-get install postgresql redis-server"
fi

PG_BIN="$(pg_bindir)"
REDIS_SERVER="$(redis_bin)"
[ -n "$PG_BIN" ] || fail "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin after the install"
[ -n "$REDIS_SERVER" ] || fail "no redis-server on PATH after the install"
if [ "$(id -u)" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
  fail "PostgreSQL refuses to run as root and there is no 'postgres' user (the postgresql package creates it)"
fi
log "$("$PG_BIN/postgres" --version), $("$REDIS_SERVER" --version | cut -d' ' -f1-3)"
printf '{"pgBin":"%s","redisServer":"%s"}\n' "$PG_BIN" "$REDIS_SERVER"
