# shellcheck shell=bash
# statuspage.io, a public Statuspage v2 client for Node, for the test that points a
# third-party client at Meldpunt's /api/v2 (internal/web/server/statuspageclient_test.go).
# Sourced by scripts/test; call statuspage_setup.
#
# statuspage_setup exports MELDPUNT_TEST_STATUSPAGE_CLIENT, the node_modules directory
# that holds the package:
#   1. MELDPUNT_TEST_STATUSPAGE_CLIENT as given, if set (the directory must hold it);
#   2. else the copy in the cache, $XDG_CACHE_HOME/meldpunt or the repository's
#      gitignored .cache/, installed there once with npm (the registry's ordinary
#      client, --ignore-scripts) when it is missing; npm comes from Debian if need be.
# A test run without the variable (go test by hand) skips that test and says so.
#
# The version is 3.3.8, not the newest (3.4.6): 3.4.6 was published without its code
# (the tarball holds README.md, LICENSE and package.json only, so `import "statuspage.io"`
# fails with ERR_MODULE_NOT_FOUND). 3.3.8 is the newest release that runs.

STATUSPAGE_CLIENT_VERSION=3.3.8

sp_log() { echo "statuspage.io: $*" >&2; }
sp_die() { echo "statuspage.io: ERROR: $*" >&2; exit 1; }

# statuspage_setup: export MELDPUNT_TEST_STATUSPAGE_CLIENT (see the top of this file).
statuspage_setup() {
  if [ -n "${MELDPUNT_TEST_STATUSPAGE_CLIENT:-}" ]; then
    [ -f "$MELDPUNT_TEST_STATUSPAGE_CLIENT/statuspage.io/package.json" ] ||
      sp_die "MELDPUNT_TEST_STATUSPAGE_CLIENT=$MELDPUNT_TEST_STATUSPAGE_CLIENT holds no statuspage.io"
    sp_log "using $MELDPUNT_TEST_STATUSPAGE_CLIENT (from MELDPUNT_TEST_STATUSPAGE_CLIENT)"
    return
  fi
  local cache dir
  if [ -n "${XDG_CACHE_HOME:-}" ]; then
    cache=$XDG_CACHE_HOME/meldpunt
  else
    cache=$PWD/.cache
  fi
  dir=$cache/statuspage.io-$STATUSPAGE_CLIENT_VERSION
  if [ ! -f "$dir/node_modules/statuspage.io/dist/index.js" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      sp_log "npm is not installed; installing Debian's npm"
      _mp_apt_install npm || sp_die "npm is missing and could not be installed"
    fi
    sp_log "installing statuspage.io $STATUSPAGE_CLIENT_VERSION into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock --ignore-scripts \
      "statuspage.io@$STATUSPAGE_CLIENT_VERSION" >&2 </dev/null || sp_die "npm install statuspage.io@$STATUSPAGE_CLIENT_VERSION failed"
    [ -f "$dir/node_modules/statuspage.io/dist/index.js" ] || sp_die "statuspage.io installed, but its dist/index.js is missing"
  fi
  export MELDPUNT_TEST_STATUSPAGE_CLIENT=$dir/node_modules
  sp_log "using $MELDPUNT_TEST_STATUSPAGE_CLIENT (statuspage.io $STATUSPAGE_CLIENT_VERSION)"
}
