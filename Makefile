# Two commands do everything on a fresh machine with Python 3.11+:
#   make run    create .venv, install, start the playground on http://127.0.0.1:8000
#   make test   install the dev extra and run every test (lint, types, unit, e2e, browser)
#   make classroom  listen on the network; print the address students open and its QR code
#   make cluster  redis-server and two app processes sharing it, on loopback (docs/scaling.md)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
REDIS_STAMP := $(VENV)/.installed-redis

.PHONY: run classroom test lint bench bench-classroom cluster install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,redis]'
	touch $@ $(STAMP)

$(REDIS_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[redis]'
	touch $@ $(STAMP)

install: $(STAMP)
install-dev: $(DEV_STAMP)

run: $(STAMP)
	$(BIN)/nnplayground serve

classroom: $(STAMP)
	$(BIN)/nnplayground serve --host 0.0.0.0

lint: $(DEV_STAMP)
	$(BIN)/ruff check backend tests bench tools
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/engine.py

bench-classroom: $(REDIS_STAMP)
	$(BIN)/python bench/classroom.py

cluster: $(REDIS_STAMP)
	$(BIN)/python -m tools.devcluster --replicas 2

clean:
	rm -rf $(VENV) data artifacts
