# HealthLoop — `make run` runs the product, `make test` runs the tests. See CONTRIBUTING.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test e2e lint bench schema venv venv-dev frontend help

help:
	@echo "make run    - install, migrate, load the demo population, start web + worker + listeners"
	@echo "make test   - install test dependencies and run the test suite"
	@echo "make e2e    - browser tests (needs chromium and fonts-noto-cjk)"
	@echo "make lint   - ruff, mypy, import-linter, architecture checks, migrations check"
	@echo "make bench  - performance scripts (see docs/performance.md)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP_RUN): requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(STAMP_DEV): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -r requirements-dev.txt
	touch $@ $(STAMP_RUN)

venv: $(STAMP_RUN)
venv-dev: $(STAMP_DEV)

frontend:
	frontend/build.sh

run: export DEBUG ?= 1
run: venv frontend
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_catalog
	$(PY) manage.py setup_demo
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py serve_all

# DATABASE_URL selects the database (SQLite by default); mysqlclient is built only when needed.
test: export HEALTHLOOP_TESTING := 1
test: export HUEY_IMMEDIATE := 1
test: venv-dev
	@if [[ "$$DATABASE_URL" == mysql* ]]; then $(PIP) install mysqlclient==2.3.1; fi
	$(PY) -m pytest $(PYTEST_ARGS)

# Browser tests: the built clients served by Django, driven by Playwright in Debian's Chromium.
e2e: export HEALTHLOOP_TESTING := 1
e2e: venv-dev frontend
	$(PY) -m pytest e2e $(PYTEST_ARGS)

lint: export HEALTHLOOP_TESTING := 1
lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy healthloop/clinical
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	frontend/build.sh
	$(PY) manage.py spectacular --file var/openapi.yaml --validate 2>/dev/null
	cd frontend && npm run check:api && npm run lint && npm test

bench: venv-dev frontend
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

schema: venv
	HEALTHLOOP_TESTING=1 $(PY) manage.py spectacular --file var/openapi.yaml --validate
