# shellcheck shell=bash
# PostgreSQL for the test suite. Sourced by scripts/test; call pg_setup.
#
# pg_setup exports MELDPUNT_TEST_POSTGRES, an admin URL
# (postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable):
#   1. MELDPUNT_TEST_POSTGRES as given, if set;
#   2. else the server at 127.0.0.1:5432 (port: MELDPUNT_PG_PROBE_PORT) if it
#      accepts user postgres, unless MELDPUNT_PG_THROWAWAY=1 asks for (3);
#   3. else a throw-away cluster of our own on a free loopback port, installing
#      Debian's postgresql first if needed (root only). The caller stops and
#      removes it with pg_cleanup, from its EXIT trap (scripts/test does, also on
#      failure or interrupt).
#
# The throw-away cluster runs without fsync, in memory (/dev/shm) when there is
# room, with connections to spare for tests in parallel: copying a template
# database per test takes ~20 ms there against ~150 ms on a server that syncs.
# MELDPUNT_PG_THROWAWAY=1 makes a developer's run use one even when a server
# answers; by default the running server is used, as on CI. Starting one takes
# about a second, while the tests build.

_PG_TMPDIR=""
_PG_DATA=""
_PG_CTL=""

pg_log() { echo "postgres: $*" >&2; }
pg_die() { echo "postgres: ERROR: $*" >&2; exit 1; }

# pg_redact URL: the URL with any password removed, for printing.
pg_redact() {
  printf '%s\n' "$1" | sed -E 's#(://[^:@/]*):[^@/]*@#\1:***@#; s#([?&]password=)[^&]*#\1***#'
}

# _mp_apt_install comes from lib-apt.sh, which scripts/test sources first.

# pg_find_bin NAME: path of a PostgreSQL server program (PATH first, then
# the newest /usr/lib/postgresql/*/bin).
pg_find_bin() {
  local name=$1 p
  if p=$(command -v "$name" 2>/dev/null); then
    printf '%s\n' "$p"
    return 0
  fi
  p=$(printf '%s\n' /usr/lib/postgresql/*/bin/"$name" | sort -V | tail -n 1)
  [ -n "$p" ] && [ -x "$p" ] || return 1
  printf '%s\n' "$p"
}

# pg_probe HOST PORT: 0 if a server there accepts user postgres without a
# password prompt.
pg_probe() {
  local host=$1 port=$2
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$host" -p "$port" -t 5 || return 1
  fi
  if command -v psql >/dev/null 2>&1; then
    local out
    out=$(PGCONNECT_TIMEOUT=5 psql -w -X -A -t -q -h "$host" -p "$port" \
      -U postgres -d postgres -c 'select 1' </dev/null 2>/dev/null) || return 1
    [ "$out" = 1 ]
  else
    timeout 5 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
  fi
}

# pg_port_free PORT: 0 if nothing listens on 127.0.0.1:PORT.
pg_port_free() {
  ! timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# pg_free_port [START]: first free loopback port from START (default 55432).
pg_free_port() {
  local p=${1:-55432} last
  last=$((p + 200))
  while [ "$p" -le "$last" ]; do
    if pg_port_free "$p"; then
      printf '%s\n' "$p"
      return 0
    fi
    p=$((p + 1))
  done
  return 1
}

# _pg_as_owner CMD...: run CMD as the cluster's OS user (postgres when we
# are root, since the server refuses to run as root), from the temp dir.
_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      (cd "$_PG_TMPDIR" && runuser -u postgres -- "$@")
    else
      local q
      q=$(printf '%q ' "$@")
      (cd "$_PG_TMPDIR" && su -s /bin/sh postgres -c "$q")
    fi
  else
    (cd "$_PG_TMPDIR" && "$@")
  fi
}

# pg_ensure_installed: make initdb and pg_ctl findable, installing Debian's
# postgresql when root. Sets _PG_INITDB and _PG_CTL.
pg_ensure_installed() {
  if _PG_INITDB=$(pg_find_bin initdb) && _PG_CTL=$(pg_find_bin pg_ctl); then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    pg_die "no server at 127.0.0.1:${MELDPUNT_PG_PROBE_PORT:-5432} and PostgreSQL (initdb, pg_ctl) is not installed.
  Install it (Debian: sudo apt-get install postgresql), start a server on
  127.0.0.1:5432 that trusts user postgres, or set MELDPUNT_TEST_POSTGRES to an admin URL."
  fi
  pg_log "PostgreSQL not installed; installing Debian's postgresql"
  _mp_apt_install postgresql || pg_die "apt-get install postgresql failed"
  if ! { _PG_INITDB=$(pg_find_bin initdb) && _PG_CTL=$(pg_find_bin pg_ctl); }; then
    pg_die "postgresql installed but initdb/pg_ctl not found"
  fi
}

# pg_ensure_os_user: as root, make sure the postgres OS user exists.
pg_ensure_os_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id -u postgres >/dev/null 2>&1 && return 0
  pg_log "creating OS user postgres"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin postgres || pg_die "could not create OS user postgres"
}

# pg_cleanup: stop the throw-away cluster and remove its dir. Idempotent;
# never fails (it runs from the EXIT trap).
pg_cleanup() {
  [ -n "$_PG_TMPDIR" ] || return 0
  if [ -n "$_PG_DATA" ] && [ -f "$_PG_DATA/postmaster.pid" ]; then
    _pg_as_owner "$_PG_CTL" stop -D "$_PG_DATA" -m fast -w -t 30 >/dev/null 2>&1 ||
      _pg_as_owner "$_PG_CTL" stop -D "$_PG_DATA" -m immediate -w -t 10 >/dev/null 2>&1 ||
      pg_log "WARNING: could not stop the throw-away cluster in $_PG_DATA"
  fi
  rm -rf -- "$_PG_TMPDIR" 2>/dev/null || true
  _PG_TMPDIR=""
  _PG_DATA=""
  return 0
}

# mp_memory_dir: /dev/shm when it is a writable memory file system with 2 GiB
# free, for what the tests write and drop within a run: the throw-away cluster
# here, and the tests' temporary files (scripts/test). Nothing of it needs a
# disk, and the disk's syncs were much of the tests' waiting.
mp_memory_dir() {
  local d=/dev/shm avail
  [ -d "$d" ] && [ -w "$d" ] && [ -k "$d" ] || return 1
  avail=$(df -Pk "$d" 2>/dev/null | awk 'NR == 2 { print $4 }')
  [ -n "$avail" ] && [ "$avail" -ge 2097152 ] || return 1
  printf '%s\n' "$d"
}

# pg_snapshot_dir: where a copy of a new cluster is kept between runs, for this
# initdb (its version and how it is run); empty when there is no cache directory.
pg_snapshot_dir() {
  local cache=${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}} key
  [ -n "$cache" ] || return 0
  key=$({ "$_PG_INITDB" --version; id -un; echo "trust postgres UTF8 C"; } 2>/dev/null | cksum | cut -d' ' -f1)
  printf '%s\n' "$cache/meldpunt/pg-initdb-$key"
}

# pg_start_throwaway: initdb and start a cluster; sets MELDPUNT_TEST_POSTGRES.
pg_start_throwaway() {
  pg_ensure_installed
  pg_ensure_os_user

  local base
  if ! base=$(mp_memory_dir); then
    base=${TMPDIR:-/tmp}
    [ "$(id -u)" -eq 0 ] && base=/tmp # the postgres user must reach it
  fi
  _PG_TMPDIR=$(mktemp -d "$base/meldpunt-pg.XXXXXX")
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$_PG_TMPDIR"
  fi
  _PG_DATA=$_PG_TMPDIR/data

  # A copy of the cluster initdb made last time is ten times faster than initdb, which
  # otherwise is most of the setup the tests wait for.
  local snap
  snap=$(pg_snapshot_dir)
  if [ -n "$snap" ] && [ -f "$snap/PG_VERSION" ] && cp -a "$snap" "$_PG_DATA" 2>/dev/null; then
    :
  else
    rm -rf -- "$_PG_DATA"
    if ! _pg_as_owner "$_PG_INITDB" -D "$_PG_DATA" --auth=trust -U postgres \
      -E UTF8 --locale=C --no-sync >"$_PG_TMPDIR/initdb.log" 2>&1; then
      cat "$_PG_TMPDIR/initdb.log" >&2
      pg_die "initdb failed"
    fi
    if [ -n "$snap" ] && mkdir -p "$(dirname "$snap")" 2>/dev/null &&
      cp -a "$_PG_DATA" "$snap.$$" 2>/dev/null; then
      mv -T "$snap.$$" "$snap" 2>/dev/null || rm -rf -- "$snap.$$"
    fi
  fi

  local port tries=0 opts
  while :; do
    tries=$((tries + 1))
    port=$(pg_free_port "${MELDPUNT_PG_PORT_START:-55432}") || pg_die "no free loopback port found"
    # No durability (fsync, full pages); WAL recycled early, since in memory it is RAM;
    # connections for many tests at once.
    opts="-h 127.0.0.1 -p $port -k $_PG_TMPDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    opts+=" -c max_wal_size=256MB -c min_wal_size=64MB -c max_connections=300"
    if _pg_as_owner "$_PG_CTL" start -D "$_PG_DATA" -l "$_PG_TMPDIR/postgres.log" \
      -w -t 60 -o "$opts" >/dev/null 2>&1; then
      break
    fi
    if [ "$tries" -ge 3 ]; then
      cat "$_PG_TMPDIR/postgres.log" >&2 || true
      pg_die "could not start the throw-away cluster"
    fi
    pg_log "start on port $port failed; retrying"
  done

  export MELDPUNT_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  local ver
  ver=$("$(dirname "$_PG_CTL")/postgres" --version 2>/dev/null || echo "PostgreSQL")
  pg_log "using a throw-away cluster ($ver) at 127.0.0.1:$port, data in $_PG_DATA (removed on exit)"
}

# pg_setup: export MELDPUNT_TEST_POSTGRES (see the top of this file).
pg_setup() {
  if [ -n "${MELDPUNT_TEST_POSTGRES:-}" ]; then
    export MELDPUNT_TEST_POSTGRES
    pg_log "using MELDPUNT_TEST_POSTGRES from the environment: $(pg_redact "$MELDPUNT_TEST_POSTGRES")"
    return 0
  fi
  local port=${MELDPUNT_PG_PROBE_PORT:-5432}
  if [ "${MELDPUNT_PG_THROWAWAY:-0}" != 1 ] && pg_probe 127.0.0.1 "$port"; then
    export MELDPUNT_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    local ver=""
    if command -v psql >/dev/null 2>&1; then
      ver=$(PGCONNECT_TIMEOUT=5 psql -w -X -A -t -q -h 127.0.0.1 -p "$port" -U postgres \
        -d postgres -c 'show server_version' </dev/null 2>/dev/null || true)
    fi
    pg_log "using the running server at 127.0.0.1:$port as user postgres${ver:+ (PostgreSQL $ver)}"
    return 0
  fi
  if [ "${MELDPUNT_PG_THROWAWAY:-0}" = 1 ]; then
    pg_log "MELDPUNT_PG_THROWAWAY=1: starting a throw-away cluster"
  else
    pg_log "no server accepts user postgres at 127.0.0.1:$port; starting a throw-away cluster"
  fi
  pg_start_throwaway
}
