# One entry point for humans and CI. `make demo` and `make test` are the two README commands.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo demo-run test test-fast install install-dev assets manage lint format bench bench-perf clean

# requirements-local.txt: the private PostgreSQL and Redis and the demo's supervisor (not in the image).
$(VENV)/.installed-base: requirements.txt requirements-local.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-local.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Front-end libraries: npm installs the versions pinned in package-lock.json, and the files the
# pages load are copied into static/vendor/ (not in git; whitenoise serves them after collectstatic).
VENDOR := static/vendor
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/htmx.org/htmx.min.js: node_modules/.package-lock.json
	mkdir -p $(@D)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE $(@D)/

# The dashboard: ECharts for the charts, Leaflet with leaflet.markercluster for the map, each with
# its licence.
$(VENDOR)/echarts/echarts.min.js: node_modules/.package-lock.json
	mkdir -p $(@D)
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE $(@D)/

$(VENDOR)/leaflet/leaflet.js: node_modules/.package-lock.json
	mkdir -p $(@D)
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE $(@D)/
	cp node_modules/leaflet/dist/leaflet.js.map $(@D)/  # the file names its source map (the manifest storage checks)
	cp -r node_modules/leaflet/dist/images $(@D)/  # leaflet.css names them (the manifest storage checks)

$(VENDOR)/leaflet.markercluster/leaflet.markercluster.js: node_modules/.package-lock.json
	mkdir -p $(@D)
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	   node_modules/leaflet.markercluster/dist/leaflet.markercluster.js.map \
	   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
	   node_modules/leaflet.markercluster/MIT-LICENCE.txt $(@D)/

assets: $(VENDOR)/htmx.org/htmx.min.js $(VENDOR)/echarts/echarts.min.js $(VENDOR)/leaflet/leaflet.js \
	$(VENDOR)/leaflet.markercluster/leaflet.markercluster.js

install: $(VENV)/.installed-base assets
install-dev: $(VENV)/.installed-dev assets

# DEBUG is off unless set (governance/settings.py). The demo and the tests turn it on for their
# commands: the demo key, local host names, plain HTTP. (The test run itself: tests/environment.py.)
demo demo-run manage test test-fast: export DEBUG = true

# A command with the checkout's own PostgreSQL and Redis, started unless DATABASE_URL / REDIS_URL
# are set and stopped after it by the last command using them (governance/private_servers.py).
SERVERS := $(PY) -m governance.private_servers run --

# The product running: web, Celery worker and beat (Procfile) on the private servers, deadlines
# swept every minute. Ctrl-C stops every process it started; the data stays in .local/.
demo: install assets
	$(PY) manage.py compiletranslations
	$(PY) manage.py collectstatic --no-input -v0
	$(SERVERS) $(MAKE) --no-print-directory demo-run

# Migrate, load the official calendar and the demo station (safe to run again), then serve.
# Unbuffered: each process's lines appear as they are written, not when it exits.
demo-run: export HOST := $(HOST)
demo-run: export PYTHONUNBUFFERED := 1
demo-run:
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_calendar
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  打开 / Open:  http://$(HOST):$(PORT)/   (管理后台 /admin/)"
	@echo "  演示账号 / demo logins: see README.md, password Demo@2026"
	@echo "  Ctrl-C stops the web server, the worker, beat and the private servers"
	@echo ""
	$(VENV)/bin/honcho start --procfile Procfile --port $(PORT) --no-colour

# One manage.py command on the same servers, e.g. beside a running demo:
#   make manage ARGS="demo_clock +2h"
manage: install
	$(SERVERS) $(PY) manage.py $(ARGS)

# The whole suite on the private servers (or on DATABASE_URL / REDIS_URL when set: CI's own, or
# yours): nothing skipped but the browser tests where /usr/bin/chromium is missing, in one line
# saying how to install it (-rs in pyproject.toml). With CI=true that skip is a failure too.
test: install-dev assets
	$(PY) manage.py compiletranslations
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# Everything but the browser and the fault tests: the quick loop while working.
test-fast: install-dev assets
	$(PY) manage.py compiletranslations
	$(PY) -m pytest -n 2 -m "not e2e" --ignore=tests/e2e --ignore=tests/faults $(PYTEST_ARGS)

# The dashboard at scale (bench/, not part of `make test`): load BENCH_CASES cases with bulk SQL
# into the database BENCH_DB (dropped and recreated; PostgreSQL at BENCH_SERVER), then time the
# dashboard's views and write bench/RESULTS.md.
BENCH_DB ?= gov_bench_dash
BENCH_CASES ?= 100000
bench: install
	$(PY) bench/generate.py --database $(BENCH_DB) --cases $(BENCH_CASES)
	$(PY) bench/run.py --database $(BENCH_DB)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Performance benchmarks (issue 14; bench/README in README.md), not part of `make test`. Generates
# BENCH_CASES cases into BENCH_DB (dropped and made again) unless BENCH_REUSE=1, then: filing CPU
# in-process and over HTTP (own small database), every list, tables and indexes, then the sweep (which
# changes the database). Tables go to bench/RESULTS.md.
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_DB ?= gov_bench_perf
BENCH_CASES ?= 100000
BENCH_LABEL ?=
bench-perf: install-dev
	createdb -h 127.0.0.1 -U postgres gov_perf_bench 2>/dev/null || true
	# the pages need the static manifest of production mode (the benchmarks run with DEBUG off)
	DEBUG=false SECRET_KEY=bench-only-not-a-secret-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \
		$(PY) manage.py collectstatic --no-input -v0
	$(if $(BENCH_REUSE),,DEBUG=true $(PY) bench/generate.py --database $(BENCH_DB) --cases $(BENCH_CASES))
	$(PY) -m bench.filing_cpu --label "$(BENCH_LABEL)"
	$(PY) -m bench.filing_http --label "$(BENCH_LABEL)"
	BENCH_DATABASE_URL=$(BENCH_SERVER)/$(BENCH_DB) $(PY) -m bench.lists --label "$(BENCH_LABEL)"
	BENCH_DATABASE_URL=$(BENCH_SERVER)/$(BENCH_DB) $(PY) -m bench.indexes --label "$(BENCH_LABEL)"
	BENCH_DATABASE_URL=$(BENCH_SERVER)/$(BENCH_DB) $(PY) -m bench.sweep --label "$(BENCH_LABEL)"

# Keeps .local/ (the private servers' data): `rm -rf .local` after the demo has stopped drops it.
clean:
	rm -rf $(VENV) staticfiles node_modules $(VENDOR)
