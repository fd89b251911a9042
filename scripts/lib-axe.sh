# shellcheck shell=bash
# axe-core for the browser tests' accessibility checks. Sourced by scripts/test; call
# axe_setup.
#
# axe_setup exports MELDPUNT_TEST_AXE, the path of axe.min.js, which the browser tests
# inject into every page they visit (a violation fails the test):
#   1. MELDPUNT_TEST_AXE as given, if set (the file must exist);
#   2. else the copy in the cache, $XDG_CACHE_HOME/meldpunt or the repository's
#      gitignored .cache/, installed there once with npm (the registry's ordinary
#      client) when it is missing; npm itself comes from Debian's package if need be.
# A test run without MELDPUNT_TEST_AXE (go test by hand) skips the checks and says so.

AXE_VERSION=4.14.1

axe_log() { echo "axe: $*" >&2; }
axe_die() { echo "axe: ERROR: $*" >&2; exit 1; }

# _mp_apt_install comes from lib-apt.sh, which scripts/test sources first.

# axe_setup: export MELDPUNT_TEST_AXE (see the top of this file).
axe_setup() {
  if [ -n "${MELDPUNT_TEST_AXE:-}" ]; then
    [ -f "$MELDPUNT_TEST_AXE" ] || axe_die "MELDPUNT_TEST_AXE=$MELDPUNT_TEST_AXE is not a file"
    axe_log "using $MELDPUNT_TEST_AXE (from MELDPUNT_TEST_AXE)"
    return
  fi
  local cache dir file
  if [ -n "${XDG_CACHE_HOME:-}" ]; then
    cache=$XDG_CACHE_HOME/meldpunt
  else
    cache=$PWD/.cache
  fi
  dir=$cache/axe-core-$AXE_VERSION
  file=$dir/node_modules/axe-core/axe.min.js
  if [ ! -f "$file" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      axe_log "npm is not installed; installing Debian's npm"
      _mp_apt_install npm || axe_die "npm is missing and could not be installed; the browser tests need axe-core"
    fi
    axe_log "installing axe-core $AXE_VERSION into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock --ignore-scripts \
      "axe-core@$AXE_VERSION" >&2 </dev/null || axe_die "npm install axe-core@$AXE_VERSION failed"
    [ -f "$file" ] || axe_die "axe-core installed, but $file is missing"
  fi
  export MELDPUNT_TEST_AXE=$file
  axe_log "using $file (axe-core $AXE_VERSION)"
}
