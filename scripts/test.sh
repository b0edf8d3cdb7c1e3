#!/usr/bin/env bash
# scripts/test.sh — the project's one test command (CI runs it through .ci/run).
#
#   scripts/test.sh                              vet + all tests (race detector on)
#   scripts/test.sh -run TestX ./internal/store/ go test arguments replace ./...
#
# Tests need a real PostgreSQL server and FAIL (never skip) without one, so this script
# makes sure one is reachable and exports its URL as STOCKPILE_TEST_PG, trying in order:
#   1. STOCKPILE_TEST_PG, if already set (used as given; an unreachable one is an error);
#   2. the local server: postgres://postgres@127.0.0.1:5432/test?sslmode=disable;
#   3. starting the system cluster with pg_ctlcluster, then step 2 again;
#   4. a throwaway cluster (initdb in a temp dir, port 55432, trust auth, 127.0.0.1 only),
#      stopped and deleted when this script exits.
# If no PostgreSQL binaries are installed at all, `apt-get install postgresql` is run
# and the steps are retried. If everything fails the script exits non-zero.
#
# The browser tests drive Debian's headless Chromium through chromedp, and screenshots
# need a CJK font or Chinese text renders as boxes. Before the tests, the script checks
# for /usr/bin/chromium (else `chromium` on PATH) and the Noto Sans CJK fonts
# (fc-list, or the package fonts-noto-cjk); if either is missing it runs
# `apt-get install -y chromium fonts-noto-cjk` (with `apt-get update` first only if that
# fails), and exits non-zero if they still cannot be had. The binary is exported to the
# tests as STOCKPILE_CHROMIUM.
#
# Environment variables:
#   STOCKPILE_TEST_PG                   URL of the server to use (skips the search).
#   STOCKPILE_TEST_PG_FORCE_THROWAWAY=1 skip steps 1-3 and always use a throwaway
#                                       cluster (to test that path, or to isolate a run
#                                       from the shared server).
#   STOCKPILE_TEST_PG_THROWAWAY_PORT    first port tried for the throwaway cluster
#                                       (default 55432; the next 9 are tried if busy).
#   STOCKPILE_CHROMIUM                  Chromium binary for the browser tests; set by this
#                                       script (a preset executable path is kept).
set -euo pipefail

DEFAULT_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
THROWAWAY_DIR=''      # temp dir of the throwaway cluster, if this script started one
THROWAWAY_BIN=''      # PostgreSQL bin dir used for it

log() { printf 'test.sh: %s\n' "$*" >&2; }
die() { printf 'test.sh: ERROR: %s\n' "$*" >&2; exit 1; }

# pg_bindir prints the newest /usr/lib/postgresql/<version>/bin holding initdb and
# pg_ctl, or nothing if no server binaries are installed.
pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
      echo "$d"
      return 0
    fi
  done
  return 0
}

have_client() { command -v psql >/dev/null 2>&1 && command -v pg_isready >/dev/null 2>&1; }

# url_works URL: true if a query succeeds on URL.
url_works() {
  have_client || return 1
  PGCONNECT_TIMEOUT=5 psql "$1" -X -Atqc 'select 1' >/dev/null 2>&1
}

# default_works: the local server on 127.0.0.1:5432 accepts connections and our URL.
default_works() {
  have_client || return 1
  pg_isready -q -h 127.0.0.1 -p 5432 -t 3 && url_works "$DEFAULT_URL"
}

# as_postgres CMD: run a shell command as the postgres OS user (initdb refuses root).
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then
    su postgres -s /bin/sh -c "$1"
  else
    sh -c "$1"
  fi
}

# start_system_cluster: start the Debian-managed cluster(s) and wait for port 5432.
start_system_cluster() {
  command -v pg_ctlcluster >/dev/null 2>&1 || return 1
  [[ -d /etc/postgresql ]] || return 1
  local v started=1
  for v in $(ls /etc/postgresql); do
    [[ -d /etc/postgresql/$v/main ]] || continue
    log "starting system cluster $v/main"
    if pg_ctlcluster --skip-systemctl-redirect "$v" main start >&2; then started=0; fi
  done
  [[ $started -eq 0 ]] || return 1
  local i
  for i in $(seq 1 20); do
    pg_isready -q -h 127.0.0.1 -p 5432 -t 1 && return 0
    sleep 0.5
  done
  return 1
}

# stop_throwaway: EXIT trap; stop the throwaway cluster and delete its directory.
stop_throwaway() {
  local rc=$?
  if [[ -n $THROWAWAY_DIR && -d $THROWAWAY_DIR ]]; then
    as_postgres "$THROWAWAY_BIN/pg_ctl -D $THROWAWAY_DIR/data -m fast -w stop" >/dev/null 2>&1 || true
    rm -rf "$THROWAWAY_DIR"
    log "throwaway PostgreSQL stopped and $THROWAWAY_DIR removed"
  fi
  exit "$rc"
}

# start_throwaway: initdb + start a private cluster; on success sets PG_URL.
start_throwaway() {
  local bin
  bin=$(pg_bindir)
  [[ -n $bin ]] || return 1
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    log "no postgres OS user to run a throwaway cluster as"
    return 1
  fi
  THROWAWAY_BIN=$bin
  # Under /tmp (not $TMPDIR) so the postgres user can reach it and the socket path is short.
  THROWAWAY_DIR=$(mktemp -d /tmp/stockpile-pg.XXXXXX)
  trap stop_throwaway EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  [[ $(id -u) -eq 0 ]] && chown postgres "$THROWAWAY_DIR"
  local d=$THROWAWAY_DIR
  log "creating throwaway cluster in $d ($bin)"
  if ! as_postgres "$bin/initdb -D $d/data -A trust -U postgres" >"$d/initdb.log" 2>&1; then
    cat "$d/initdb.log" >&2
    return 1
  fi
  local port first=${STOCKPILE_TEST_PG_THROWAWAY_PORT:-55432}
  for ((port = first; port < first + 10; port++)); do
    local ready=0
    pg_isready -q -h 127.0.0.1 -p "$port" -t 1 >/dev/null 2>&1 || ready=$?
    if [[ $ready -eq 0 || $ready -eq 1 ]]; then
      log "port $port is taken by another server; trying the next one"
      continue
    fi
    # fsync etc. off: the data is thrown away anyway, and tests run noticeably faster.
    if as_postgres "$bin/pg_ctl -D $d/data -o '-p $port -k $d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' -l $d/log -w -t 60 start" >/dev/null 2>&1; then
      PG_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
      if url_works "$PG_URL"; then
        return 0
      fi
      as_postgres "$bin/pg_ctl -D $d/data -m fast -w stop" >/dev/null 2>&1 || true
    fi
    log "throwaway cluster did not start on port $port; log tail:"
    tail -n 5 "$d/log" >&2 2>/dev/null || true
  done
  return 1
}

# install_postgres: install the Debian packages if no server binaries exist at all.
install_postgres() {
  [[ -z $(pg_bindir) ]] || return 1 # binaries are there; installing won't help
  command -v apt-get >/dev/null 2>&1 || return 1
  local sudo=''
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || return 1
    sudo='sudo -n'
  fi
  log "PostgreSQL is not installed; running apt-get install -y postgresql"
  $sudo apt-get update >&2 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y postgresql >&2
}

# chromium_path: print the Chromium binary for the browser tests (a preset executable
# STOCKPILE_CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH), or nothing.
chromium_path() {
  if [[ -n ${STOCKPILE_CHROMIUM:-} && -x ${STOCKPILE_CHROMIUM:-} ]]; then
    echo "$STOCKPILE_CHROMIUM"
  elif [[ -x /usr/bin/chromium ]]; then
    echo /usr/bin/chromium
  else
    command -v chromium 2>/dev/null || true
  fi
}

# have_cjk_font: the Noto CJK fonts are installed (fc-list, else dpkg's package state).
# fc-list's output is captured first: under pipefail, `fc-list | grep -q` fails at random
# when grep exits at the first match and fc-list dies of SIGPIPE.
have_cjk_font() {
  if command -v fc-list >/dev/null 2>&1; then
    local families
    families=$(fc-list : family 2>/dev/null) || return 1
    [[ $families == *'Noto Sans CJK'* ]]
  else
    dpkg -s fonts-noto-cjk >/dev/null 2>&1
  fi
}

# ensure_chromium: make sure Chromium and the CJK fonts are there, installing
# chromium and fonts-noto-cjk with apt-get if not, and export STOCKPILE_CHROMIUM;
# dies if they cannot be had.
ensure_chromium() {
  local bin pkgs='chromium fonts-noto-cjk' sudo=''
  if [[ -n ${STOCKPILE_CHROMIUM:-} && ! -x $STOCKPILE_CHROMIUM ]]; then
    log "STOCKPILE_CHROMIUM=$STOCKPILE_CHROMIUM is not executable; looking for Chromium instead"
    unset STOCKPILE_CHROMIUM
  fi
  bin=$(chromium_path)
  if [[ -z $bin ]] || ! have_cjk_font; then
    [[ -n $bin ]] || log "Chromium not found (no /usr/bin/chromium, no chromium on PATH)"
    have_cjk_font || log "Noto Sans CJK fonts not found (fonts-noto-cjk)"
    command -v apt-get >/dev/null 2>&1 ||
      die "browser tests need Chromium and the Noto CJK fonts, and apt-get is not available to install them ($pkgs)"
    if [[ $(id -u) -ne 0 ]]; then
      command -v sudo >/dev/null 2>&1 || die "browser tests need $pkgs; run as root or install them: apt-get install -y $pkgs"
      sudo='sudo -n'
    fi
    log "installing browser-test packages: apt-get install -y $pkgs"
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y $pkgs >&2; then
      log "apt-get install failed; running apt-get update and retrying"
      { $sudo apt-get update >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y $pkgs >&2; } ||
        die "could not install $pkgs, which the browser tests need (apt-get update && apt-get install -y $pkgs failed)"
    fi
    bin=$(chromium_path)
    [[ -n $bin ]] || die "Chromium is still missing after installing $pkgs (no /usr/bin/chromium, no chromium on PATH)"
    have_cjk_font || die "the Noto Sans CJK fonts are still missing after installing $pkgs (fc-list shows none)"
  fi
  export STOCKPILE_CHROMIUM=$bin
  log "using $("$bin" --version 2>/dev/null || echo Chromium) at $STOCKPILE_CHROMIUM"
}

# find_postgres: sets PG_URL and PG_SOURCE, or returns 1.
find_postgres() {
  if [[ ${STOCKPILE_TEST_PG_FORCE_THROWAWAY:-} != 1 ]]; then
    if default_works; then
      PG_URL=$DEFAULT_URL PG_SOURCE='local server on 127.0.0.1:5432'
      return 0
    fi
    if start_system_cluster && default_works; then
      PG_URL=$DEFAULT_URL PG_SOURCE='system cluster on 127.0.0.1:5432 (started by test.sh)'
      return 0
    fi
  fi
  if start_throwaway; then
    PG_SOURCE="throwaway cluster in $THROWAWAY_DIR (removed on exit)"
    return 0
  fi
  return 1
}

cd "$(dirname "$0")/.."

if [[ -d /usr/local/go/bin ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || die "go not found (expected /usr/local/go/bin/go)"

PG_URL='' PG_SOURCE=''
if [[ -n ${STOCKPILE_TEST_PG:-} && ${STOCKPILE_TEST_PG_FORCE_THROWAWAY:-} != 1 ]]; then
  PG_URL=$STOCKPILE_TEST_PG PG_SOURCE='STOCKPILE_TEST_PG from the environment'
  if have_client && ! url_works "$PG_URL"; then
    die "STOCKPILE_TEST_PG=$PG_URL is set but not reachable (psql 'select 1' failed). Unset it to let test.sh find or start a server."
  fi
elif ! find_postgres; then
  if install_postgres && find_postgres; then
    :
  else
    die "no PostgreSQL available: $DEFAULT_URL is unreachable, the system cluster did not start, and a throwaway cluster could not be created. Tests require PostgreSQL; install it (apt-get install -y postgresql) or set STOCKPILE_TEST_PG."
  fi
fi

export STOCKPILE_TEST_PG=$PG_URL
version=''
if have_client; then
  version=$(PGCONNECT_TIMEOUT=5 psql "$PG_URL" -X -Atqc 'show server_version' 2>/dev/null || true)
fi
log "using PostgreSQL ${version:+$version }at $STOCKPILE_TEST_PG — $PG_SOURCE"

# The dispatch benchmark's reference solvers (GLPK's glpsol, LEMON's network simplex
# through g++) have round-trip tests; install them when missing, and make those tests
# fail rather than skip if they still cannot be found. The OpenStreetMap decoder links
# zlib through cgo (which -race turns on), so it needs zlib's headers.
if ! command -v glpsol >/dev/null 2>&1 || [[ ! -e /usr/include/lemon/network_simplex.h ]] ||
  ! command -v g++ >/dev/null 2>&1 || [[ ! -e /usr/include/zlib.h ]]; then
  pkgs='glpk-utils liblemon-dev g++ zlib1g-dev'
  sudo=''
  [[ $(id -u) -ne 0 ]] && sudo='sudo -n'
  log "installing build and reference-solver packages: apt-get install -y $pkgs"
  { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y $pkgs >&2 ||
    { $sudo apt-get update >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y $pkgs >&2; }; } ||
    log "could not install them; the tests that need them will fail"
fi
export STOCKPILE_TEST_REFERENCES=require

ensure_chromium

log "go vet ./..."
go vet ./...

if [[ $# -gt 0 ]]; then
  log "go test -race -count=1 -timeout 20m $*"
  go test -race -count=1 -timeout 20m "$@"
else
  log "go test -race -count=1 -timeout 20m ./..."
  go test -race -count=1 -timeout 20m ./...
fi
