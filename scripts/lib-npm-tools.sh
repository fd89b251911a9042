# shellcheck shell=bash
# Third-party parsers of the formats Meldpunt promises, for the feed tests
# (internal/web/feeds: Atom, RSS and iCalendar). Sourced by scripts/test; call
# npm_tools_setup.
#
# npm_tools_setup exports MELDPUNT_TEST_NPM_TOOLS, a node_modules folder holding
# feedparser (Atom and RSS, npm) and ical.js (Mozilla's iCalendar parser, npm), which the
# feed tests run with /usr/bin/node on the feeds the server writes:
#   1. MELDPUNT_TEST_NPM_TOOLS as given, if set (the folder must hold both);
#   2. else the copy in the cache, $XDG_CACHE_HOME/meldpunt or the repository's
#      gitignored .cache/, installed there once with npm (the registry's ordinary
#      client) when it is missing; npm itself comes from Debian's package if need be.
# A test run without MELDPUNT_TEST_NPM_TOOLS (go test by hand) skips those checks and
# says so.

FEEDPARSER_VERSION=2.6.0
ICALJS_VERSION=2.2.1

npm_tools_log() { echo "npm-tools: $*" >&2; }
npm_tools_die() { echo "npm-tools: ERROR: $*" >&2; exit 1; }

# _mp_apt_install comes from lib-apt.sh, which scripts/test sources first.

# npm_tools_setup: export MELDPUNT_TEST_NPM_TOOLS (see the top of this file).
npm_tools_setup() {
  if [ -n "${MELDPUNT_TEST_NPM_TOOLS:-}" ]; then
    [ -d "$MELDPUNT_TEST_NPM_TOOLS/feedparser" ] && [ -d "$MELDPUNT_TEST_NPM_TOOLS/ical.js" ] ||
      npm_tools_die "MELDPUNT_TEST_NPM_TOOLS=$MELDPUNT_TEST_NPM_TOOLS does not hold feedparser and ical.js"
    npm_tools_log "using $MELDPUNT_TEST_NPM_TOOLS (from MELDPUNT_TEST_NPM_TOOLS)"
    return
  fi
  local cache dir mods
  if [ -n "${XDG_CACHE_HOME:-}" ]; then
    cache=$XDG_CACHE_HOME/meldpunt
  else
    cache=$PWD/.cache
  fi
  dir=$cache/npm-tools-feedparser-$FEEDPARSER_VERSION-ical.js-$ICALJS_VERSION
  mods=$dir/node_modules
  if [ ! -f "$mods/feedparser/package.json" ] || [ ! -f "$mods/ical.js/package.json" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      npm_tools_log "npm is not installed; installing Debian's npm"
      _mp_apt_install npm || npm_tools_die "npm is missing and could not be installed; the feed tests need it"
    fi
    npm_tools_log "installing feedparser $FEEDPARSER_VERSION and ical.js $ICALJS_VERSION into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock --ignore-scripts \
      "feedparser@$FEEDPARSER_VERSION" "ical.js@$ICALJS_VERSION" >&2 </dev/null ||
      npm_tools_die "npm install feedparser@$FEEDPARSER_VERSION ical.js@$ICALJS_VERSION failed"
    [ -f "$mods/feedparser/package.json" ] && [ -f "$mods/ical.js/package.json" ] ||
      npm_tools_die "installed, but $mods lacks feedparser or ical.js"
  fi
  export MELDPUNT_TEST_NPM_TOOLS=$mods
  npm_tools_log "using $mods (feedparser $FEEDPARSER_VERSION, ical.js $ICALJS_VERSION)"
}
