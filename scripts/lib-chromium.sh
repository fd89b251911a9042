# shellcheck shell=bash
# Chromium for the browser tests. Sourced by scripts/test; call chromium_setup.
#
# chromium_setup exports MELDPUNT_TEST_CHROMIUM, the browser's path:
# MELDPUNT_TEST_CHROMIUM as given, else chromium / chromium-browser /
# google-chrome on PATH, else Debian's chromium package installed with
# apt-get (root only). Browser tests are required: no browser is an error.

chromium_log() { echo "chromium: $*" >&2; }
chromium_die() { echo "chromium: ERROR: $*" >&2; exit 1; }

# _mp_apt_install comes from lib-apt.sh, which scripts/test sources first.

# chromium_find: path of an installed Chromium or Chrome.
chromium_find() {
  command -v chromium 2>/dev/null ||
    command -v chromium-browser 2>/dev/null ||
    command -v google-chrome 2>/dev/null ||
    command -v google-chrome-stable 2>/dev/null
}

# chromium_install: install Debian's chromium (root only).
chromium_install() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    chromium_die "Chromium is not installed and the browser tests need it.
  Install it (Debian: sudo apt-get install chromium) or set
  MELDPUNT_TEST_CHROMIUM to a Chromium or Chrome binary."
  fi
  chromium_log "not installed; installing Debian's chromium (this takes a while)"
  _mp_apt_install chromium || chromium_die "apt-get install chromium failed; the browser tests need Chromium"
}

# chromium_setup: export MELDPUNT_TEST_CHROMIUM (see the top of this file).
chromium_setup() {
  local path from
  if [ -n "${MELDPUNT_TEST_CHROMIUM:-}" ]; then
    path=$(command -v "$MELDPUNT_TEST_CHROMIUM" 2>/dev/null) ||
      chromium_die "MELDPUNT_TEST_CHROMIUM=$MELDPUNT_TEST_CHROMIUM is not an executable"
    from="from MELDPUNT_TEST_CHROMIUM"
  elif path=$(chromium_find); then
    from="found on PATH"
  else
    chromium_install
    path=$(chromium_find) || chromium_die "chromium installed but not found on PATH"
    from="just installed"
  fi
  local ver
  ver=$(timeout 60 "$path" --version 2>/dev/null </dev/null | head -n 1) ||
    chromium_die "$path --version failed; the browser tests need a working Chromium"
  export MELDPUNT_TEST_CHROMIUM=$path
  chromium_log "using $path ($from): ${ver:-unknown version}"
}
