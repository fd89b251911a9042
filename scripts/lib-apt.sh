# shellcheck shell=bash
# Installing Debian packages for the test script, shared by lib-postgres.sh and
# lib-chromium.sh. Source it; it defines functions only.

# _mp_apt_install PKG...: apt-get update (once per run) and install, as root.
_mp_apt_install() {
  [ "$(id -u)" -eq 0 ] || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${_MP_APT_UPDATED:-}" ]; then
    apt-get -o DPkg::Lock::Timeout=300 update </dev/null || return 1
    _MP_APT_UPDATED=1
  fi
  apt-get -o DPkg::Lock::Timeout=300 install -y "$@" </dev/null
}
