# UTalk realtime conformance and load harness.
#
# `make` lists the targets. CI runs `bash .ci/run`, which installs what is
# missing (Docker, redis-server, the npm tools) and then runs `make test`.
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
SPEC_TOOLS  := spec/tools
NODE_STAMP  := $(SPEC_TOOLS)/node_modules/.package-lock.json
GO_FILES     = $(shell find . -name '*.go' -not -path './.git/*' -not -path '*/node_modules/*')

.PHONY: help build test run serve conformance load report bench gobench lint asyncapi redis-image clean

help: ## list the targets
	@echo "usage: make <target> [VAR=value ...]"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## go build ./... and the CLI binary bin/rtconform
	$(GO) build ./...
	@mkdir -p $(dir $(BIN))
	$(GO) build -o $(BIN) ./cmd/rtconform

test: ## go vet, then all tests with -race (what CI runs)
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m $(TESTFLAGS) ./...

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

asyncapi: $(NODE_STAMP) ## validate spec/utalk-rt.asyncapi.yaml with @asyncapi/parser
	node $(SPEC_TOOLS)/validate-asyncapi.mjs $(SPEC_DOC)

# npm ci only when the lock file changed since the last install.
$(NODE_STAMP): $(SPEC_TOOLS)/package.json $(SPEC_TOOLS)/package-lock.json
	npm ci --prefix $(SPEC_TOOLS) --prefer-offline --no-audit --no-fund --loglevel=error
	@touch $@

redis-image: ## build the FROM-scratch Redis test image REDIS_IMAGE (default utalk-redis:local)
	bash deploy/redis-image/build.sh

clean: ## remove bin/, generated reports and the npm tools
	rm -rf bin
	find $(REPORT_DIR) -mindepth 1 -not -name .gitkeep -delete 2>/dev/null || true
	rm -rf $(SPEC_TOOLS)/node_modules
