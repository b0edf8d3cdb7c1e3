#!/usr/bin/env bash
# scripts/lint.sh — the project's static checks, run by scripts/test.sh before the tests
# and by `make lint`:
#   1. gofmt: fails listing every file that is not gofmt-formatted;
#   2. go vet ./...;
#   3. staticcheck ./..., pinned as a tool dependency in go.mod (`go tool staticcheck`),
#      so it needs nothing installed; its configuration is staticcheck.conf.
# It stops at the first check that fails and exits non-zero.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -d /usr/local/go/bin ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

log() { printf 'lint.sh: %s\n' "$*" >&2; }

log "gofmt -l ."
unformatted=$(gofmt -l .)
if [[ -n $unformatted ]]; then
  log "ERROR: these files need gofmt -w:"
  printf '%s\n' "$unformatted" >&2
  exit 1
fi

log "go vet ./..."
go vet ./...

log "go tool staticcheck ./..."
go tool staticcheck ./...
