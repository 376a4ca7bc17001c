# One entry point for humans and CI. `make demo` and `make test` are the two README commands.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test install install-dev assets setup-db lint format bench bench-perf clean

$(VENV)/.installed-base: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
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
demo setup-db test: export DEBUG = true

# Migrate, load the official calendar and the demo station. Safe to run again.
setup-db: install assets
	$(PY) manage.py compiletranslations
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_calendar
	$(PY) manage.py seed_demo

# Zero-setup first look: SQLite in the checkout, Celery tasks in-process.
demo: setup-db assets
	@echo ""
	@echo "  打开 / Open:  http://$(HOST):$(PORT)/   (管理后台 /admin/)"
	@echo "  演示账号 / demo logins: see README.md, password Demo@2026"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite. Uses DATABASE_URL / REDIS_URL when set (CI sets PostgreSQL and Redis);
# with neither it runs on SQLite and skips the tests that need a real server, saying why
# (-rs in pyproject.toml). With CI=true such a skip is a failure instead.
test: install-dev assets
	$(PY) manage.py compiletranslations
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

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

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 node_modules $(VENDOR)
