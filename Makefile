# Stockpile developer tasks. Go lives in /usr/local/go on the project machines.
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: run test bench bench-dispatch bench-ui vendor-web lint build

# Run the server with demo data.
run:
	go run ./cmd/stockpile serve --demo

# The one test command (provisioning, lint, race tests; provides PostgreSQL if needed).
test:
	bash scripts/test.sh

# Ledger benchmark.
bench:
	go run ./bench/ledger

# Dispatch benchmark: our solver against GLPK and LEMON, then travel-time
# matrices on the Delaware road network and a generated 1M-node graph.
bench-dispatch:
	go run ./bench/dispatch

# Web interface: dashboard load and the map with 5,000 depots, in headless Chromium.
bench-ui:
	go run ./bench/ui

# Re-fetch the pinned web dependencies from npm and rebuild the basemap.
vendor-web:
	bash scripts/vendor-web.sh

# gofmt (fails listing unformatted files), go vet and staticcheck (pinned in
# go.mod as a tool): the checks scripts/test.sh runs before the tests.
lint:
	bash scripts/lint.sh

# The version stamped into the binary: the nearest tag, else the commit,
# with -dirty for uncommitted changes; "dev" outside a git checkout.
# `make build VERSION=v1.2.0` sets it by hand.
VERSION = $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

# Static binary, stamped with VERSION (`bin/stockpile version` prints it);
# -trimpath keeps the build machine's paths out of it.
build:
	CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=$(VERSION)" -o bin/stockpile ./cmd/stockpile
