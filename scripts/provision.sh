#!/usr/bin/env bash
# scripts/provision.sh — give this machine what the tests need: PostgreSQL, Chromium with
# the Noto CJK fonts, and the dispatch benchmark's reference solvers.
#
#   source scripts/provision.sh     (what scripts/test.sh does) the exports below land in
#                                   the calling shell, and a throwaway PostgreSQL cluster
#                                   lives until that shell exits
#   scripts/provision.sh CMD ARGS…  provision, then run CMD with the exports; a throwaway
#                                   cluster lives as long as CMD
#   scripts/provision.sh            provision and print the exports (a throwaway cluster
#                                   would die with this script, so it says so and fails)
#
# Why sourcing: a throwaway cluster is stopped by an EXIT trap of the shell that started it.
# Run as a child process, that shell would be the child, and the cluster would be gone
# before the tests start; sourced, the trap belongs to the test script and fires when the
# tests are done (or interrupted).
#
# Tests need a real PostgreSQL server and FAIL (never skip) without one, so this script
# makes sure one is reachable and exports its URL as STOCKPILE_TEST_PG, trying in order:
#   1. STOCKPILE_TEST_PG, if already set (used as given; an unreachable one is an error);
#   2. the local server: postgres://postgres@127.0.0.1:5432/test?sslmode=disable;
#   3. starting the system cluster with pg_ctlcluster, then step 2 again;
#   4. a throwaway cluster (initdb in a temp dir, port 55432, trust auth, 127.0.0.1 only),
#      stopped and deleted when the shell that sourced this script exits.
# If no PostgreSQL binaries are installed at all, `apt-get install postgresql` is run
# and the steps are retried. If everything fails provisioning fails (non-zero exit).
# The tests create databases of their own (internal/testpg), so the role needs CREATEDB;
# the local server's postgres user and the throwaway cluster's superuser have it.
#
# The browser tests drive Debian's headless Chromium through chromedp, and screenshots
# need a CJK font or Chinese text renders as boxes. The script checks for
# /usr/bin/chromium (else `chromium` on PATH) and the Noto Sans CJK fonts (fc-list, or the
# package fonts-noto-cjk); if either is missing it runs
# `apt-get install -y chromium fonts-noto-cjk` (with `apt-get update` first only if that
# fails), and fails if they still cannot be had. The binary is exported to the tests as
# STOCKPILE_CHROMIUM.
#
# The dispatch benchmark's reference solvers (GLPK's glpsol, LEMON's network simplex
# through g++) have round-trip tests, and the OpenStreetMap decoder links zlib through cgo
# (which -race turns on), and the label tests read their PDFs back with poppler's pdfinfo,
# pdftotext and pdftoppm; `apt-get install -y glpk-utils liblemon-dev g++ zlib1g-dev
# poppler-utils` runs when any is missing, and STOCKPILE_TEST_REFERENCES=require makes those tests fail rather
# than skip if they still cannot be found.
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
#   STOCKPILE_TEST_REFERENCES           set to "require" by this script.
#
# Everything is in functions whose names start with provision_ or pg_, so that sourcing
# the file defines them and runs provision_all once; nothing else leaks into the caller
# but the exports, PROVISION_THROWAWAY_DIR and the EXIT/INT/TERM traps.

PROVISION_DEFAULT_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
PROVISION_THROWAWAY_DIR='' # temp dir of the throwaway cluster, if this shell started one
PROVISION_THROWAWAY_BIN='' # PostgreSQL bin dir used for it

provision_log() { printf '%s: %s\n' "${PROVISION_NAME:-provision.sh}" "$*" >&2; }
provision_die() {
  printf '%s: ERROR: %s\n' "${PROVISION_NAME:-provision.sh}" "$*" >&2
  exit 1
}

# pg_bindir prints the newest /usr/lib/postgresql/<version>/bin holding initdb and
# pg_ctl, or nothing if no server binaries are installed.
pg_bindir() {
  local d
  # shellcheck disable=SC2012 # the paths are Debian's /usr/lib/postgresql/<version>/bin
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
      echo "$d"
      return 0
    fi
  done
  return 0
}

pg_have_client() { command -v psql >/dev/null 2>&1 && command -v pg_isready >/dev/null 2>&1; }

# pg_url_works URL: true if a query succeeds on URL.
pg_url_works() {
  pg_have_client || return 1
  PGCONNECT_TIMEOUT=5 psql "$1" -X -Atqc 'select 1' >/dev/null 2>&1
}

# pg_default_works: the local server on 127.0.0.1:5432 accepts connections and our URL.
pg_default_works() {
  pg_have_client || return 1
  pg_isready -q -h 127.0.0.1 -p 5432 -t 3 && pg_url_works "$PROVISION_DEFAULT_URL"
}

# pg_as_postgres CMD: run a shell command as the postgres OS user (initdb refuses root).
pg_as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then
    su postgres -s /bin/sh -c "$1"
  else
    sh -c "$1"
  fi
}

# pg_start_system_cluster: start the Debian-managed cluster(s) and wait for port 5432.
pg_start_system_cluster() {
  command -v pg_ctlcluster >/dev/null 2>&1 || return 1
  [[ -d /etc/postgresql ]] || return 1
  local dir v started=1
  for dir in /etc/postgresql/*/; do
    v=$(basename "$dir")
    [[ -d /etc/postgresql/$v/main ]] || continue
    provision_log "starting system cluster $v/main"
    if pg_ctlcluster --skip-systemctl-redirect "$v" main start >&2; then started=0; fi
  done
  [[ $started -eq 0 ]] || return 1
  local _
  for _ in $(seq 1 20); do
    pg_isready -q -h 127.0.0.1 -p 5432 -t 1 && return 0
    sleep 0.5
  done
  return 1
}

# pg_stop_throwaway: EXIT trap of the shell that started the throwaway cluster; stop
# the cluster, delete its directory, and exit with the status the shell was exiting with.
pg_stop_throwaway() {
  local rc=$?
  if [[ -n $PROVISION_THROWAWAY_DIR && -d $PROVISION_THROWAWAY_DIR ]]; then
    pg_as_postgres "$PROVISION_THROWAWAY_BIN/pg_ctl -D $PROVISION_THROWAWAY_DIR/data -m fast -w stop" >/dev/null 2>&1 || true
    rm -rf "$PROVISION_THROWAWAY_DIR"
    provision_log "throwaway PostgreSQL stopped and $PROVISION_THROWAWAY_DIR removed"
  fi
  exit "$rc"
}

# pg_start_throwaway: initdb + start a private cluster; on success sets PG_URL.
pg_start_throwaway() {
  local bin
  bin=$(pg_bindir)
  [[ -n $bin ]] || return 1
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    provision_log "no postgres OS user to run a throwaway cluster as"
    return 1
  fi
  PROVISION_THROWAWAY_BIN=$bin
  # Under /tmp (not $TMPDIR) so the postgres user can reach it and the socket path is short.
  PROVISION_THROWAWAY_DIR=$(mktemp -d /tmp/stockpile-pg.XXXXXX)
  trap pg_stop_throwaway EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  [[ $(id -u) -eq 0 ]] && chown postgres "$PROVISION_THROWAWAY_DIR"
  local d=$PROVISION_THROWAWAY_DIR
  provision_log "creating throwaway cluster in $d ($bin)"
  if ! pg_as_postgres "$bin/initdb -D $d/data -A trust -U postgres" >"$d/initdb.log" 2>&1; then
    cat "$d/initdb.log" >&2
    return 1
  fi
  local port first=${STOCKPILE_TEST_PG_THROWAWAY_PORT:-55432}
  for ((port = first; port < first + 10; port++)); do
    local ready=0
    pg_isready -q -h 127.0.0.1 -p "$port" -t 1 >/dev/null 2>&1 || ready=$?
    if [[ $ready -eq 0 || $ready -eq 1 ]]; then
      provision_log "port $port is taken by another server; trying the next one"
      continue
    fi
    # fsync etc. off: the data is thrown away anyway, and tests run noticeably faster.
    if pg_as_postgres "$bin/pg_ctl -D $d/data -o '-p $port -k $d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' -l $d/log -w -t 60 start" >/dev/null 2>&1; then
      PG_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
      if pg_url_works "$PG_URL"; then
        return 0
      fi
      pg_as_postgres "$bin/pg_ctl -D $d/data -m fast -w stop" >/dev/null 2>&1 || true
    fi
    provision_log "throwaway cluster did not start on port $port; log tail:"
    tail -n 5 "$d/log" >&2 2>/dev/null || true
  done
  return 1
}

# pg_install: install the Debian packages if no server binaries exist at all.
pg_install() {
  [[ -z $(pg_bindir) ]] || return 1 # binaries are there; installing won't help
  command -v apt-get >/dev/null 2>&1 || return 1
  local sudo=''
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || return 1
    sudo='sudo -n'
  fi
  provision_log "PostgreSQL is not installed; running apt-get install -y postgresql"
  $sudo apt-get update >&2 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y postgresql >&2
}

# pg_find: sets PG_URL and PG_SOURCE, or returns 1.
pg_find() {
  if [[ ${STOCKPILE_TEST_PG_FORCE_THROWAWAY:-} != 1 ]]; then
    if pg_default_works; then
      PG_URL=$PROVISION_DEFAULT_URL PG_SOURCE='local server on 127.0.0.1:5432'
      return 0
    fi
    if pg_start_system_cluster && pg_default_works; then
      PG_URL=$PROVISION_DEFAULT_URL PG_SOURCE='system cluster on 127.0.0.1:5432 (started by provision.sh)'
      return 0
    fi
  fi
  if pg_start_throwaway; then
    PG_SOURCE="throwaway cluster in $PROVISION_THROWAWAY_DIR (removed on exit)"
    return 0
  fi
  return 1
}

# provision_postgres: find or start a server and export STOCKPILE_TEST_PG; dies if none.
provision_postgres() {
  PG_URL='' PG_SOURCE=''
  if [[ -n ${STOCKPILE_TEST_PG:-} && ${STOCKPILE_TEST_PG_FORCE_THROWAWAY:-} != 1 ]]; then
    PG_URL=$STOCKPILE_TEST_PG PG_SOURCE='STOCKPILE_TEST_PG from the environment'
    if pg_have_client && ! pg_url_works "$PG_URL"; then
      provision_die "STOCKPILE_TEST_PG=$PG_URL is set but not reachable (psql 'select 1' failed). Unset it to let provision.sh find or start a server."
    fi
  elif ! pg_find; then
    if pg_install && pg_find; then
      :
    else
      provision_die "no PostgreSQL available: $PROVISION_DEFAULT_URL is unreachable, the system cluster did not start, and a throwaway cluster could not be created. Tests require PostgreSQL; install it (apt-get install -y postgresql) or set STOCKPILE_TEST_PG."
    fi
  fi
  export STOCKPILE_TEST_PG=$PG_URL
  local version=''
  if pg_have_client; then
    version=$(PGCONNECT_TIMEOUT=5 psql "$PG_URL" -X -Atqc 'show server_version' 2>/dev/null || true)
  fi
  provision_log "using PostgreSQL ${version:+$version }at $STOCKPILE_TEST_PG — $PG_SOURCE"
}

# provision_chromium_path: print the Chromium binary for the browser tests (a preset
# executable STOCKPILE_CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH), or nothing.
provision_chromium_path() {
  if [[ -n ${STOCKPILE_CHROMIUM:-} && -x ${STOCKPILE_CHROMIUM:-} ]]; then
    echo "$STOCKPILE_CHROMIUM"
  elif [[ -x /usr/bin/chromium ]]; then
    echo /usr/bin/chromium
  else
    command -v chromium 2>/dev/null || true
  fi
}

# provision_have_cjk_font: the Noto CJK fonts are installed (fc-list, else dpkg's package
# state). fc-list's output is captured first: under pipefail, `fc-list | grep -q` fails at
# random when grep exits at the first match and fc-list dies of SIGPIPE.
provision_have_cjk_font() {
  if command -v fc-list >/dev/null 2>&1; then
    local families
    families=$(fc-list : family 2>/dev/null) || return 1
    [[ $families == *'Noto Sans CJK'* ]]
  else
    dpkg -s fonts-noto-cjk >/dev/null 2>&1
  fi
}

# provision_chromium: make sure Chromium and the CJK fonts are there, installing
# chromium and fonts-noto-cjk with apt-get if not, and export STOCKPILE_CHROMIUM;
# dies if they cannot be had.
provision_chromium() {
  local bin pkgs=(chromium fonts-noto-cjk) sudo=''
  if [[ -n ${STOCKPILE_CHROMIUM:-} && ! -x $STOCKPILE_CHROMIUM ]]; then
    provision_log "STOCKPILE_CHROMIUM=$STOCKPILE_CHROMIUM is not executable; looking for Chromium instead"
    unset STOCKPILE_CHROMIUM
  fi
  bin=$(provision_chromium_path)
  if [[ -z $bin ]] || ! provision_have_cjk_font; then
    [[ -n $bin ]] || provision_log "Chromium not found (no /usr/bin/chromium, no chromium on PATH)"
    provision_have_cjk_font || provision_log "Noto Sans CJK fonts not found (fonts-noto-cjk)"
    command -v apt-get >/dev/null 2>&1 ||
      provision_die "browser tests need Chromium and the Noto CJK fonts, and apt-get is not available to install them (${pkgs[*]})"
    if [[ $(id -u) -ne 0 ]]; then
      command -v sudo >/dev/null 2>&1 || provision_die "browser tests need ${pkgs[*]}; run as root or install them: apt-get install -y ${pkgs[*]}"
      sudo='sudo -n'
    fi
    provision_log "installing browser-test packages: apt-get install -y ${pkgs[*]}"
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${pkgs[@]}" >&2; then
      provision_log "apt-get install failed; running apt-get update and retrying"
      { $sudo apt-get update >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${pkgs[@]}" >&2; } ||
        provision_die "could not install ${pkgs[*]}, which the browser tests need (apt-get update && apt-get install -y ${pkgs[*]} failed)"
    fi
    bin=$(provision_chromium_path)
    [[ -n $bin ]] || provision_die "Chromium is still missing after installing ${pkgs[*]} (no /usr/bin/chromium, no chromium on PATH)"
    provision_have_cjk_font || provision_die "the Noto Sans CJK fonts are still missing after installing ${pkgs[*]} (fc-list shows none)"
  fi
  export STOCKPILE_CHROMIUM=$bin
  provision_log "using $("$bin" --version 2>/dev/null || echo Chromium) at $STOCKPILE_CHROMIUM"
}

# provision_references: install the reference solvers and zlib's headers when missing
# (see the header), and export STOCKPILE_TEST_REFERENCES=require. A failed install is
# only logged: the tests that need them then fail, naming what is missing.
provision_references() {
  if ! command -v glpsol >/dev/null 2>&1 || [[ ! -e /usr/include/lemon/network_simplex.h ]] ||
    ! command -v g++ >/dev/null 2>&1 || [[ ! -e /usr/include/zlib.h ]] || ! command -v pdftoppm >/dev/null 2>&1; then
    local pkgs=(glpk-utils liblemon-dev g++ zlib1g-dev poppler-utils) sudo=''
    [[ $(id -u) -ne 0 ]] && sudo='sudo -n'
    provision_log "installing build, reference-solver and PDF-reading packages: apt-get install -y ${pkgs[*]}"
    { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${pkgs[@]}" >&2 ||
      { $sudo apt-get update >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${pkgs[@]}" >&2; }; } ||
      provision_log "could not install them; the tests that need them will fail"
  fi
  export STOCKPILE_TEST_REFERENCES=require
}

# provision_all: everything above, in the order the old test.sh did it.
provision_all() {
  provision_postgres
  provision_references
  provision_chromium
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  # Run, not sourced.
  set -euo pipefail
  provision_all
  if [[ $# -gt 0 ]]; then
    # Not exec: the EXIT trap must outlive CMD to stop a throwaway cluster after it.
    "$@"
    exit $?
  fi
  if [[ -n $PROVISION_THROWAWAY_DIR ]]; then
    provision_die "only a throwaway PostgreSQL cluster could be had, and it is removed when this script exits; source the script or run: scripts/provision.sh CMD ARGS…"
  fi
  printf 'export %s=%q\n' STOCKPILE_TEST_PG "$STOCKPILE_TEST_PG" STOCKPILE_CHROMIUM "$STOCKPILE_CHROMIUM" \
    STOCKPILE_TEST_REFERENCES "$STOCKPILE_TEST_REFERENCES"
else
  provision_all
fi
