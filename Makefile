# Stockpile developer tasks. Go lives in /usr/local/go on the project machines.
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: run test bench bench-dispatch bench-ui vendor-web lint build

# Run the server with demo data.
run:
	go run ./cmd/stockpile serve --demo

# The one test command (vet + race tests; provides PostgreSQL if needed).
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

# go vet, then fail if any file is not gofmt-formatted.
lint:
	go vet ./...
	@unformatted="$$(gofmt -l .)" || exit 1; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi

# Static binary.
build:
	CGO_ENABLED=0 go build -o bin/stockpile ./cmd/stockpile
