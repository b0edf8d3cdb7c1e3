#!/usr/bin/env bash
# scripts/test.sh — the project's one test command (CI runs it through .ci/run).
#
#   scripts/test.sh                              lint + all tests (race detector on)
#   scripts/test.sh -run TestX ./internal/store/ go test arguments replace ./...
#
# 1. Provisioning (scripts/provision.sh, sourced so that a throwaway PostgreSQL cluster
#    lives until this script exits; see its header for the details):
#    - Tests need a real PostgreSQL server and FAIL (never skip) without one, so a server
#      is found, started or installed, and its URL exported as STOCKPILE_TEST_PG, trying
#      in order: STOCKPILE_TEST_PG if set; the local server
#      postgres://postgres@127.0.0.1:5432/test?sslmode=disable; the system cluster,
#      started with pg_ctlcluster; a throwaway cluster (initdb in a temp dir, port 55432),
#      stopped and deleted when this script exits. `apt-get install postgresql` runs if no
#      PostgreSQL binaries are installed at all. If everything fails the script exits
#      non-zero.
#    - The browser tests drive Debian's headless Chromium (chromedp) and need the Noto CJK
#      fonts, or Chinese text renders as boxes: `apt-get install -y chromium
#      fonts-noto-cjk` runs when either is missing (the font check captures fc-list's
#      output rather than piping it into grep -q, which fails at random under pipefail),
#      the script exits non-zero if they still cannot be had, and the binary is exported
#      as STOCKPILE_CHROMIUM.
#    - glpk-utils liblemon-dev g++ zlib1g-dev poppler-utils (reference solvers, zlib for cgo under
#      -race, PDF reading for the label tests) are installed when missing;
#      STOCKPILE_TEST_REFERENCES=require.
# 2. Lint (scripts/lint.sh): gofmt, go vet ./..., staticcheck (go tool staticcheck, pinned
#    in go.mod). A finding fails the run before any test starts.
# 3. go test -race -count=1 with the given arguments, or ./... without any (the slowest
#    packages first; see below).
#
# Environment variables:
#   STOCKPILE_TEST_PG                   URL of the server to use (skips the search).
#   STOCKPILE_TEST_PG_FORCE_THROWAWAY=1 skip the search and always use a throwaway
#                                       cluster (to test that path, or to isolate a run
#                                       from the shared server).
#   STOCKPILE_TEST_PG_THROWAWAY_PORT    first port tried for the throwaway cluster
#                                       (default 55432; the next 9 are tried if busy).
#   STOCKPILE_CHROMIUM                  Chromium binary for the browser tests; set by
#                                       provisioning (a preset executable path is kept).
#   STOCKPILE_TEST_LINT=0               skip step 2, for a quick local loop on one
#                                       package (CI never sets it).
set -euo pipefail

cd "$(dirname "$0")/.."

if [[ -d /usr/local/go/bin ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
if ! command -v go >/dev/null 2>&1; then
  printf 'test.sh: ERROR: go not found (expected /usr/local/go/bin/go)\n' >&2
  exit 1
fi

PROVISION_NAME=test.sh
# shellcheck source=scripts/provision.sh
source scripts/provision.sh

if [[ ${STOCKPILE_TEST_LINT:-1} != 0 ]]; then
  bash scripts/lint.sh
else
  printf 'test.sh: STOCKPILE_TEST_LINT=0: skipping gofmt, go vet and staticcheck\n' >&2
fi

args=("$@")
if [[ ${#args[@]} -eq 0 ]]; then
  # The slowest packages first, then the rest. go test starts the test binaries in the
  # order it is given them, two at a time on a 2-core machine, so a slow package that
  # comes late in ./... (routing/road, store, web sort last) runs on alone at the end
  # while the other core idles. Alone under -race on the project machine (2026-12):
  # e2e ~100 s, api ~80 s, road ~30 s, web ~30 s, store ~22 s; every other package < 10 s.
  # go test runs a package named twice once. Keep the list to what exists, so that a
  # package moved or removed leaves the order, not the run, wrong.
  for pkg in ./internal/e2e ./internal/api ./internal/routing/road ./internal/web ./internal/store; do
    if [[ -d $pkg ]]; then args+=("$pkg"); fi
  done
  args+=(./...)
fi
printf 'test.sh: go test -race -count=1 -timeout 20m %s\n' "${args[*]}" >&2
go test -race -count=1 -timeout 20m "${args[@]}"
