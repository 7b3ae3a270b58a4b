#!/usr/bin/env bash
# Installs an n8n 1.x for the compatibility run into the runtime cache folder, once, on the system Node (20):
#   - `overrides: xlsx -> @e965/xlsx` (n8n-nodes-base 1.x depends on a cdn.sheetjs.com tarball, unreachable here);
#   - --ignore-scripts (kafka's native build needs the internet), then sqlite3 rebuilt from source against the system
#     Node's headers (/usr/include/node; nodejs.org is unreachable).
# On Node 20 n8n 1.x needs N8N_EXPRESSION_ENGINE=legacy at run time (its isolated-vm has no Node 20 build); the
# caller sets it. Each version gets its own folder `n8n-<version>-node<major>`, separate from install-runtime.sh's.
# Idempotent (a `.complete` marker per folder); flock-protected per version. Prints the runtime as JSON on the last
# stdout line, in the shape of install-runtime.sh's.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:?set N8N_VERSION, e.g. 1.123.81}"
CACHE="${GREENLAKE_E2E_CACHE:-$HOME/.cache/n8n-nodes-hpe-greenlake}"
RERUN="N8N_VERSION=$N8N_VERSION bash test/compat/install-n8n1.sh"

log() { echo "[install-n8n1] $*" >&2; }
fail() { echo "[install-n8n1] FAILED at step '$1': $2. Log: $3. Rerun: $RERUN" >&2; exit 1; }

case "$N8N_VERSION" in 1.*) ;; *) fail "version" "only n8n 1.x (2.x: test/e2e/install-runtime.sh)" "-" ;; esac

NODE_BIN="$(dirname "$(command -v node)")"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
# node-gyp headers of the running Node: Debian's nodejs ships them under /usr/include/node.
NODE_DIR="$(cd "$NODE_BIN/.." && pwd)"
[ -f "$NODE_DIR/include/node/node.h" ] || fail "node-headers" "no $NODE_DIR/include/node/node.h for node-gyp" "-"

N8N_DIR="$CACHE/n8n-$N8N_VERSION-node$NODE_MAJOR"
LOG="$CACHE/n8n-$N8N_VERSION-node$NODE_MAJOR-install.log"
mkdir -p "$CACHE"

if command -v flock >/dev/null 2>&1; then
  exec 9>"$N8N_DIR.lock"
  if ! flock -n 9; then
    log "another run holds $N8N_DIR.lock; waiting for it"
    flock 9
  fi
fi

if [ ! -f "$N8N_DIR/.complete" ]; then
  log "installing n8n@$N8N_VERSION on node $(node --version) into $N8N_DIR (first time: about 3-5 minutes and 2 GB)"
  rm -rf "$N8N_DIR" && mkdir -p "$N8N_DIR"
  cat > "$N8N_DIR/package.json" <<JSON
{ "name": "n8n1-holder", "private": true, "overrides": { "xlsx": "npm:@e965/xlsx@0.20.3" } }
JSON
  (cd "$N8N_DIR" && npm install "n8n@$N8N_VERSION" --ignore-scripts=true --audit=false --fund=false --loglevel=error) \
    > "$LOG" 2>&1 || fail "n8n-install" "npm install n8n@$N8N_VERSION failed" "$LOG"
  log "building sqlite3 for node $(node --version) (about 90 s)"
  (cd "$N8N_DIR" && npm_config_nodedir="$NODE_DIR" npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts) \
    >> "$LOG" 2>&1 || fail "sqlite3-build" "npm rebuild sqlite3 failed" "$LOG"
  (cd "$N8N_DIR" && node -e "new (require('sqlite3').Database)(':memory:').close()") \
    >> "$LOG" 2>&1 || fail "sqlite3-check" "sqlite3 does not load" "$LOG"
  touch "$N8N_DIR/.complete"
fi
version=$(N8N_EXPRESSION_ENGINE=legacy "$N8N_DIR/node_modules/.bin/n8n" --version 2>/dev/null | tail -1) \
  || fail "n8n-check" "n8n --version failed" "$LOG"
[ "$version" = "$N8N_VERSION" ] || fail "n8n-check" "n8n reports version '$version', expected $N8N_VERSION" "$LOG"
log "n8n $version ready on node $(node --version)"

printf '{"nodeBin":"%s","nodeDir":"%s","n8nDir":"%s","n8nBin":"%s","n8nVersion":"%s"}\n' \
  "$NODE_BIN" "$NODE_DIR" "$N8N_DIR" "$N8N_DIR/node_modules/.bin/n8n" "$version"
