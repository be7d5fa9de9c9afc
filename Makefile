# The README's commands. `make run` and `make test` install what is missing
# (scripts/setup) and are fast when everything is present.
SHELL := /bin/bash
GO    ?= go
WAILS := $(GO) tool wails

# The release tag vX.Y.Z (without the v), else 0.0.0-dev+<sha>: the version of
# the window's About panel, tickstock-ingest --version and every package.
VERSION ?= $(shell scripts/version)
LDFLAGS := -X github.com/tickstock/monitor/backend/version.Version=$(VERSION)

APP_BIN    := build/bin/tickstock-monitor
INGEST_BIN := build/bin/tickstock-ingest
# Tracked and new files that exist (a file deleted but not yet committed is skipped).
APP_SRCS   := $(wildcard $(shell git ls-files --cached --others --exclude-standard \
                '*.go' 'frontend/src/*' 'frontend/wailsjs/*' 'frontend/index.html' 'frontend/*.ts' 'frontend/*.js' 2>/dev/null)) \
              go.mod go.sum wails.json frontend/package-lock.json

.PHONY: setup run dev build bindings docs check check-go check-frontend format format-check ingest test e2e lint lint-go lint-frontend fuzz bench soak clean package-windows package-linux package-macos

## setup: install missing system packages, npm packages and Go modules
setup:
	@scripts/setup

## run: build and open the desktop window (embedded demo by default)
run: setup $(APP_BIN)
	@if [[ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]]; then \
	  echo "make run: no display. On a server use: scripts/with-xvfb make run"; exit 1; fi
	$(APP_BIN)

## dev: live-reloading development window (Go rebuilds, Vite HMR); browser view on http://localhost:34115
## It regenerates frontend/wailsjs as Go changes (git diff shows what to commit).
dev: setup
	$(WAILS) dev -ldflags "$(LDFLAGS)" -m

## bindings: regenerate frontend/wailsjs (the bound Go methods and the types they
## carry, as TypeScript) with Wails' generator; commit the result. The build and
## the packages use the committed files (-skipbindings), so CI never rewrites
## them; app's TestBindingsAreCurrent fails when they are stale.
## The generator writes mode 0755 and every wails build/dev rewrites the
## runtime with 0644: the committed files are 0644 so neither shows as a change.
bindings:
	$(WAILS) generate module
	chmod -R a-x+X frontend/wailsjs

## docs: regenerate the import graph in docs/ARCHITECTURE.md from `go list`
## (internal/docs fails when it is stale); commit the result.
docs:
	$(GO) run ./internal/cmd/docgraph

## build: the native desktop binary in build/bin/ and the headless ingest server
build: $(APP_BIN) ingest

$(APP_BIN): $(APP_SRCS)
	$(WAILS) build -ldflags "$(LDFLAGS)" -m -skipbindings
	@touch $@

ingest:
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o $(INGEST_BIN) ./cmd/tickstock-ingest

## check: the quick loop for a developer (under 3 min on 2 cores):
## golangci-lint (its govet is go vet), then side by side `go test -short` of
## every Go package (no -race; tests that start many processes skip under
## -short) and the frontend's vitest and prettier --check; the Go tests spend
## much of their time waiting on the servers they start, which the frontend's
## run fills. `make test` stays the full suite.
check:
	$(GOLANGCI) run --allow-serial-runners ./...
	$(MAKE) --no-print-directory -j2 -Otarget check-go check-frontend

check-go:
	$(GO) test -short -count=1 ./...

check-frontend:
	cd frontend && npx vitest run
	$(MAKE) --no-print-directory format-check

## format: prettier (with prettier-plugin-svelte; versions pinned in
## frontend/package.json) over the frontend's sources, in place.
PRETTIER_FILES := src e2e index.html vite.config.ts svelte.config.js
format:
	cd frontend && npx prettier --write $(PRETTIER_FILES)

format-check:
	cd frontend && npx prettier --check $(PRETTIER_FILES)

## test: every check CI runs, failing fast, ending with "N passed, N failed"
test: setup
	@scripts/test

## e2e: the real app under wails dev (Xvfb) driven by headless Chromium; screenshots in build/screenshots/
e2e: setup
	scripts/e2e build/test-results/e2e.xml

## package-windows: the Windows app and its NSIS installer, cross-built here (build/bin/)
package-windows: setup
	VERSION=$(VERSION) scripts/package windows

## package-linux: a .tar.gz and a .deb of the app (build/packages/)
package-linux: setup build
	VERSION=$(VERSION) scripts/package linux

## package-macos: on a Mac — a universal .app and a .dmg (signing/notarising via env, see README)
package-macos:
	VERSION=$(VERSION) scripts/package macos

## lint: golangci-lint (gofmt, gci imports, go vet, staticcheck, errcheck, gosec, revive… see .golangci.yml)
## The one lint definition: scripts/test's lint stage runs `make lint-go`. The
## tool lives in its own module (tools/golangci) so its ~200 dependencies stay
## out of go.mod; its results are cached in GOLANGCI_LINT_CACHE.
GOLANGCI := $(GO) tool -modfile=tools/golangci/go.mod golangci-lint
lint: setup lint-go lint-frontend

lint-frontend:
	cd frontend && npx svelte-check --tsconfig ./tsconfig.json --fail-on-warnings --output human

lint-go:
	$(GOLANGCI) run --allow-serial-runners ./...

## bench: Go benchmarks + a load run against a private redis-server → docs/perf.md (about 5 min)
bench: setup
	$(GO) run ./internal/cmd/perfreport -out docs/perf.md $(BENCH_FLAGS)

## fuzz: every fuzz target for FUZZ_TIME (default 2000000x executions) each
fuzz:
	scripts/fuzz $${FUZZ_TIME:-2000000x}

clean:
	rm -rf build/bin build/packages build/screenshots build/test-results
	find frontend/dist -mindepth 1 ! -name .gitkeep -delete 2>/dev/null || true

## soak: 30 min at 10k ticks/s through the real pipeline with faults (not in make test) → docs/soak.md
soak: setup
	nice -n 10 $(GO) test -tags soak -run '^TestSoak$$' -count=1 -timeout 50m -v ./internal/soak
