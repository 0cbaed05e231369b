# Switchboard — everything a newcomer needs, from a clean clone with nothing but Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install dev test test-fast proto schema lint fmt migrate clean bench web web-test browser

# The web inbox (web/: Vite + Preact + TypeScript), served by the gateway from web/dist.
NPM      ?= npm
WEB_DEPS := web/node_modules/.deps-stamp
WEB_OUT  := web/.stamp-built
WEB_SRC  := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
            web/vite.config.ts web/tsconfig.json web/package.json

$(STAMP): pyproject.toml clients/sdk/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	$(BIN)/pip install --quiet -e clients/sdk
	touch $(STAMP)

install: $(STAMP)

## Measure the platform against this machine's limits (docs/performance.md); BENCH_ARGS=--quick
bench: install
	$(BIN)/switchboard bench $(BENCH_ARGS)

## Run the whole platform on embedded PostgreSQL + NATS; the web inbox at http://127.0.0.1:8080/
# DEV_WORKERS=N > 1: the platform as `serve all --workers N` (1: in dev's own process, which
# measured faster on 2 cores: docs/performance.md, "Worker processes").
DEV_WORKERS ?= 1
dev: install web
	$(BIN)/switchboard dev --workers $(DEV_WORKERS)

# pytest in TEST_WORKERS processes (pytest-xdist): each test file runs whole in one worker,
# its module fixtures once (tests/faults whole); every worker starts its own session servers.
# Two workers: 16 min against 27.5 in one process on a quiet 2-core machine (2026-12-04;
# docs/conventions.md, "The test suite"). `make test TEST_WORKERS=0` for one process.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile

## The whole suite, as CI runs it: contracts fresh, lint, then every test (slow ones included)
test: install lint web web-test browser
	$(BIN)/python -m switchboard.protogen --check
	$(PYTEST) --durations=30

## Quick loop: skip the tests marked slow
test-fast: install web
	$(PYTEST) -m "not slow"

## Build the web inbox into web/dist (npm ci only when the lock changed; quick when nothing did)
web: $(WEB_OUT)

$(WEB_DEPS): web/package-lock.json
	@command -v $(NPM) >/dev/null || { echo "make web: npm not found; install Node.js 20+ with npm" \
	  "(Debian: apt-get install nodejs npm)" >&2; exit 1; }
	@cd web && $(NPM) ci --no-audit --no-fund || { echo "make web: npm ci failed; is the npm" \
	  "registry reachable? (npm config get registry)" >&2; exit 1; }
	touch $@

$(WEB_OUT): $(WEB_DEPS) $(WEB_SRC)
	cd web && $(NPM) run build
	touch $@

## The web inbox's unit tests (Vitest)
web-test: $(WEB_DEPS)
	cd web && $(NPM) test

## Debian's Chromium for the browser tests (tests/web), installed when /usr/bin/chromium is missing
browser:
	@test -x /usr/bin/chromium && exit 0; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
	else echo "make browser: /usr/bin/chromium is missing; as root: apt-get install -y chromium" >&2; exit 1; fi; \
	{ $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; } || { \
	  echo "make browser: apt-get could not install chromium (is the Debian mirror reachable?)" >&2; exit 1; }

## Regenerate clients/rpc/gen from proto/ (commit the result)
proto: install
	$(BIN)/python -m switchboard.protogen

## Write the public GraphQL schema to schema.graphql (CI checks it is fresh, like the protos)
schema: install
	$(BIN)/python -m switchboard.graphql_schema

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff check --fix .

## Apply migrations to $$SWITCHBOARD_MIGRATION_DATABASE_URL (the schema owner)
migrate: install
	$(BIN)/switchboard migrate

clean:
	rm -rf $(VENV) .switchboard .pytest_cache .ruff_cache .mypy_cache

.PHONY: deploy-check image

## Render (Helm's engine), lint and validate the chart; check dashboards and alerts against live metrics
deploy-check: install
	$(BIN)/python -m pytest tests/deploy -q -p no:cacheprovider

## Build the one container image (needs Docker): make image TAG=0.1.0
image:
	docker build -f deploy/docker/Dockerfile -t switchboard:$(or $(TAG),dev) .
