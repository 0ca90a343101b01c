# UTalk realtime conformance and load harness.
#
# `make` lists the targets. CI runs `bash .ci/run`, which installs what is
# missing (Docker, redis-server, chromium, the npm packages) and then runs `make test`.
#
# Settings for rtconform (TARGET, JWT_SECRET, TOKEN_CMD, REDIS_ADDR, ...) are
# read from the environment by the CLI. make passes variables given on its
# command line or in its environment through to the commands it runs, so
#   make conformance TARGET=http://127.0.0.1:3000 JWT_SECRET=dev-secret
# works as is. ARGS adds flags to the rtconform command: make run ARGS=--help

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

GO         ?= go
BIN        ?= bin/rtconform
SCENARIO   ?= scenarios/smoke.yaml
REPORT_DIR ?= reports
ARGS       ?=
BENCH      ?= .
BENCHTIME  ?= 1s
TESTFLAGS  ?=

SPEC_DOC    := spec/utalk-rt.asyncapi.yaml
SPEC_VARIANT := spec/testdata/variant-hyphenated.asyncapi.yaml
# interop/ holds every Node dependency of the tests, pinned by its lock file.
INTEROP     := interop
NODE_STAMP  := $(INTEROP)/node_modules/.package-lock.json
NEG_BIN     := bin/rtconform-negativecontrols
CHROMIUM_PATH ?= /usr/bin/chromium
GO_FILES     = $(shell find . -name '*.go' -not -path './.git/*' -not -path '*/node_modules/*')

.PHONY: help build test gotest interop docs run serve conformance load report bench gobench lint asyncapi chromium redis-image clean

help: ## list the targets
	@echo "usage: make <target> [VAR=value ...]"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## go build ./... and the CLI binary bin/rtconform
	$(GO) build ./...
	@mkdir -p $(dir $(BIN))
	$(GO) build -o $(BIN) ./cmd/rtconform

test: gotest interop ## every test: the Go tests, then the interop tests (what CI runs)

gotest: ## go vet, then all Go tests with -race (no Node needed)
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m $(TESTFLAGS) ./...

interop: build $(NODE_STAMP) chromium ## official socket.io-client (Node, 5 versions x 3 transports), headless Chromium, AsyncAPI parser and docs, negative controls (writes reports/interop)
	$(GO) build -tags negativecontrols -o $(NEG_BIN) ./cmd/rtconform
	CHROMIUM_PATH=$(CHROMIUM_PATH) node $(INTEROP)/run.mjs $(ARGS)

docs: $(NODE_STAMP) ## regenerate docs/asyncapi/index.html from the contract (@asyncapi/generator + html-template)
	node $(INTEROP)/asyncapi/docs.mjs

# Debian's chromium for the browser test; installed here when missing and root can
# apt-get (a fresh CI machine), else a clear error.
chromium:
	@if [[ -x "$(CHROMIUM_PATH)" ]]; then exit 0; fi; \
	if [[ "$(CHROMIUM_PATH)" == /usr/bin/chromium && "$$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then \
		echo "chromium: installing Debian's chromium (log: /tmp/apt-chromium.log)"; \
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }; } >/tmp/apt-chromium.log 2>&1 \
			|| { tail -n 20 /tmp/apt-chromium.log; echo "chromium: apt-get install chromium failed"; exit 1; }; \
	else \
		echo "make interop needs Chromium at $(CHROMIUM_PATH): apt-get install chromium (as root), or CHROMIUM_PATH=/path/to/chromium"; exit 1; \
	fi

run: ## conformance + baseline load against TARGET, one verdict
	$(GO) run ./cmd/rtconform run $(ARGS)

serve: ## the reference server
	$(GO) run ./cmd/rtconform serve $(ARGS)

conformance: ## the conformance suite against TARGET (or the in-process reference)
	$(GO) run ./cmd/rtconform conform $(ARGS)

load: ## a load scenario: make load SCENARIO=scenarios/NAME.yaml
	$(GO) run ./cmd/rtconform load --scenario $(SCENARIO) $(ARGS)

report: ## re-render a load run's reports from its results files: make report DIR=reports/load/<run>
	@test -n "$(DIR)" || { echo "make report: set DIR to a load run directory, e.g. DIR=reports/latest/load"; exit 2; }
	$(GO) run ./cmd/rtconform report $(ARGS) $(DIR)

bench: build bench/node/node_modules ## Go reference server vs Node socket.io 4.8, side by side (writes reports/bench)
	$(GO) run ./cmd/rtbench --go $(BIN) --out $(REPORT_DIR)/bench $(ARGS)

bench/node/node_modules: bench/node/package.json bench/node/package-lock.json
	npm ci --prefix bench/node --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: loadbench
loadbench: build bench/node/node_modules loadgen/loadbench/node/node_modules ## load generator vs Artillery 2.0.34, added latency, 5,000 connections (writes reports/loadbench)
	$(GO) run ./cmd/loadbench --rtconform $(BIN) --out $(REPORT_DIR)/loadbench $(ARGS)

loadgen/loadbench/node/node_modules: loadgen/loadbench/node/package.json loadgen/loadbench/node/package-lock.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix loadgen/loadbench/node --no-audit --no-fund --loglevel=error
	@touch $@

gobench: ## Go micro-benchmarks: BENCH=regexp BENCHTIME=1s
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -benchtime $(BENCHTIME) $(TESTFLAGS) ./...

lint: ## fail on files gofmt would change, then go vet
	@unformatted="$$(gofmt -l $(GO_FILES))"; \
	if [[ -n "$$unformatted" ]]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

asyncapi: $(NODE_STAMP) ## validate the contract (and the variant) with the official @asyncapi/parser
	node $(INTEROP)/asyncapi/validate.mjs $(SPEC_DOC) $(SPEC_VARIANT)

# npm ci only when the lock file changed since the last install. No browser is
# downloaded (none can be here): the tests use Debian's chromium.
$(NODE_STAMP): $(INTEROP)/package.json $(INTEROP)/package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix $(INTEROP) --prefer-offline --no-audit --no-fund --loglevel=error
	@touch $@

redis-image: ## build the FROM-scratch Redis test image REDIS_IMAGE (default utalk-redis:local)
	bash deploy/redis-image/build.sh

clean: ## remove bin/, generated reports and the npm tools
	rm -rf bin
	find $(REPORT_DIR) -mindepth 1 -not -name .gitkeep -delete 2>/dev/null || true
	rm -rf $(INTEROP)/node_modules
