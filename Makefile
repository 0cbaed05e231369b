# Switchboard — everything a newcomer needs, from a clean clone with nothing but Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install dev test test-fast proto lint fmt migrate clean bench

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

## Run the whole platform on embedded PostgreSQL + NATS (http://127.0.0.1:8080)
dev: install
	$(BIN)/switchboard dev

## The whole suite, as CI runs it: contracts fresh, lint, then every test (slow ones included)
test: install lint
	$(BIN)/python -m switchboard.protogen --check
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=30

## Quick loop: skip the tests marked slow
test-fast: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow"

## Regenerate clients/rpc/gen from proto/ (commit the result)
proto: install
	$(BIN)/python -m switchboard.protogen

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
