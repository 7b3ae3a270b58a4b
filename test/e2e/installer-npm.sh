# The npm commands of test/e2e/install-runtime.sh, sourced by it (bash) and by test/e2e/installRuntime.test.ts, which
# runs the very same commands on a tiny package under `npm run` to prove they still build.
#
# Why they need care: `npm run …` (npm test, npm run demo) hands its whole configuration to the processes it starts as
# npm_config_* variables, this repository's .npmrc included. With ignore-scripts=true inherited that way,
# `npm rebuild sqlite3` reports success and builds nothing. So the installer's npm commands drop every inherited
# npm_config_* variable except those saying where and how to reach the registry, and pass each option that decides
# what they do on their own command line. They then behave the same from `npm test`, `npx jest` or a plain shell.

# npm_config_* variables kept: registry, proxy, TLS, cache and config-file locations (lower-cased names).
_installer_npm_keep() {
  case "$1" in
    npm_config_registry | npm_config_*registry | npm_config_proxy | npm_config_https_proxy | npm_config_http_proxy | \
      npm_config_noproxy | npm_config_no_proxy | npm_config_cafile | npm_config_ca | npm_config_cert | npm_config_key | \
      npm_config_strict_ssl | npm_config_cache | npm_config_userconfig | npm_config_globalconfig | npm_config_fetch_*) return 0 ;;
    *) return 1 ;;
  esac
}

# installer_npm ARGS…: npm without the inherited npm_config_* (see above).
installer_npm() {
  local name unset_args=()
  while IFS= read -r name; do
    case "${name,,}" in
      npm_config_*) _installer_npm_keep "${name,,}" || unset_args+=(-u "$name") ;;
    esac
  done < <(compgen -e)
  env "${unset_args[@]}" npm "$@"
}

# installer_rebuild DIR PACKAGE NODEDIR: runs PACKAGE's install scripts in the npm project DIR (for sqlite3: its
# node-gyp build) against the Node headers of NODEDIR, whatever the environment or the user's npmrc say.
installer_rebuild() {
  (cd "$1" && installer_npm rebuild "$2" --ignore-scripts=false --foreground-scripts --nodedir="$3")
}
