# Two commands matter:
#   make run   set everything up on a fresh machine and serve the app on http://127.0.0.1:5000
#   make test  set up what the tests need and run the whole suite on SQLite and on PostgreSQL
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi.py

# Debian packages the tests need: headless Chromium for browser tests and
# HarfBuzz subsetting for WeasyPrint's fonts, nginx and openssl for the deployment test
# (tests/deploy runs the shipped nginx site in front of gunicorn over HTTPS).
TEST_APT_PACKAGES := chromium chromium-driver libharfbuzz-subset0 nginx openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help run test install install-test frontend system-deps db-upgrade test-sqlite test-postgres lint format bench clean

help:
	@echo "make run    set up (venv, pip, npm, CSS, database, demo data) and serve on http://$(HOST):$(PORT)"
	@echo "make test   set up test dependencies and run every test on SQLite and PostgreSQL"
	@echo "make lint   ruff lint and format check"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/css/app.css: node_modules/.package-lock.json $(wildcard static/src/*)
	npm run --silent build

frontend: static/css/app.css

system-deps:
	@missing=""; for pkg in $(TEST_APT_PACKAGES); do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

db-upgrade: install
	TRACKER_ENV=development $(BIN)/flask db upgrade

run: install frontend db-upgrade
	TRACKER_ENV=development $(BIN)/flask seed-demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT) with a job worker for long reports (Ctrl+C to stop)"
	TRACKER_ENV=development $(BIN)/flask worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	TRACKER_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

test-sqlite: install-test frontend system-deps
	@echo "=== Test suite on SQLite ==="
	TRACKER_ENV=testing $(BIN)/pytest

test-postgres: install-test frontend system-deps
	@echo "=== Test suite on PostgreSQL ==="
	@TRACKER_ENV=testing scripts/with-postgres.sh $(BIN)/pytest; status=$$?; \
	if [ $$status = 3 ]; then echo "SKIPPED: no PostgreSQL server on this machine, the PostgreSQL pass did not run."; \
	else exit $$status; fi

# Both passes at once, one per core (each pass alone: make test-sqlite / make test-postgres).
test: install-test frontend system-deps
	scripts/test-both.sh $(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/css static/js static/assets
