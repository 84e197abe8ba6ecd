# Reflect: `make run` serves the personal profile on http://127.0.0.1:8000; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# A throwaway PostgreSQL for trying the practice profile and for CI: Debian's server, on loopback,
# trusting local connections. Never use this cluster for real data.
PGPORT ?= 54329
PGROOT ?= /tmp/reflect-postgres
PG_URL = postgres://reflect@127.0.0.1:$(PGPORT)/reflect

.PHONY: run test test-postgres lint bench bench-http wrk content clean postgres practice stylesheet lighthouse

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Reflect needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# The one stylesheet (reflect/stylesheet.py): the Bootstrap rules our pages use, then reflect.css.
stylesheet: $(VENV)/.installed
	$(PY) -m reflect.stylesheet

content: $(VENV)/.installed stylesheet
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content
	$(PY) manage.py collectstatic --noinput --verbosity 0

# Before serving, delete what has run out: idle sessions and day-old counts of wrong passphrases.
run: content
	$(PY) manage.py clearsessions
	$(PY) manage.py forget_unlock_attempts
	$(VENV)/bin/gunicorn -c python:reflect.gunicorn_conf reflect.wsgi --bind $(HOST):$(PORT)

# Two processes at once (pytest-xdist), each with its own database, live server and browser.
test: $(VENV)/.installed-test stylesheet
	$(PY) -m pytest -n 2

# ruff, as configured in pyproject.toml: the lint rules, and the formatting checked, not changed.
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.installed-test wrk
	$(PY) tests/bench/page_weight.py
	$(PY) tests/bench/journal.py
	$(PY) tests/bench/http_bench.py --only storm --seconds 5 --rounds 1

# Reflect under load beside a bare Django view, as one table (tests/bench/http_bench.py --help).
# For a quick look: make bench-http BENCH_HTTP="--seconds 5 --rounds 1"
bench-http: $(VENV)/.installed-test wrk
	$(PY) tests/bench/http_bench.py $(BENCH_HTTP)

# The benchmarks' load generator, from Debian's packages when it is missing.
wrk:
	@command -v wrk > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null; }

postgres:
	@set -e; \
	if ! ls -d /usr/lib/postgresql/*/bin > /dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql > /dev/null; fi; \
	bin=$$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); \
	as_pg=""; if [ "$$(id -u)" = 0 ]; then as_pg="runuser -u postgres --"; fi; \
	if [ ! -f $(PGROOT)/PG_VERSION ]; then \
	  mkdir -p $(PGROOT); if [ -n "$$as_pg" ]; then chown postgres $(PGROOT); fi; \
	  $$as_pg $$bin/initdb -D $(PGROOT) -U reflect -A trust -E UTF8 --no-locale > /dev/null; fi; \
	$$as_pg $$bin/pg_ctl -D $(PGROOT) status > /dev/null || \
	  $$as_pg $$bin/pg_ctl -D $(PGROOT) -l $(PGROOT)/server.log -w \
	    -o "-c listen_addresses=127.0.0.1 -p $(PGPORT) -k $(PGROOT)" start > /dev/null; \
	psql "postgres://reflect@127.0.0.1:$(PGPORT)/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='reflect'" | grep -q 1 || \
	  psql "postgres://reflect@127.0.0.1:$(PGPORT)/postgres" -qc "CREATE DATABASE reflect"; \
	echo "PostgreSQL is running: DATABASE_URL=$(PG_URL)"

# The browser tests drive the same pages whatever the database: `make test` runs them, on SQLite.
test-postgres: $(VENV)/.installed-test stylesheet postgres
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -n 2 -m "not browser"

# The practice profile, locally, for trying it out: plain HTTP on 127.0.0.1, so secure cookies
# and the HTTPS redirect are turned off here and only here. A new secret key each run.
PRACTICE_ENV = REFLECT_PROFILE=practice DATABASE_URL=$(PG_URL) REFLECT_SSL_REDIRECT=0 \
	REFLECT_SECURE_COOKIES=0 REFLECT_HSTS_SECONDS=0 REFLECT_SECRET_KEY=$(PRACTICE_KEY)
THERAPIST_PASSPHRASE ?= practice trial passphrase

practice: PRACTICE_KEY := $(shell python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
practice: $(VENV)/.installed stylesheet postgres
	$(PRACTICE_ENV) $(PY) manage.py migrate --noinput
	$(PRACTICE_ENV) $(PY) manage.py load_content
	$(PRACTICE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PRACTICE_ENV) $(PY) manage.py create_therapist demo-therapist --display-name "Demo therapist" \
		--if-missing --passphrase "$(THERAPIST_PASSPHRASE)"
	@echo "Sign in at http://$(HOST):$(PORT)/journal/unlock/ as demo-therapist, passphrase: $(THERAPIST_PASSPHRASE)"
	$(PRACTICE_ENV) $(VENV)/bin/gunicorn -c python:reflect.gunicorn_conf reflect.wsgi --bind $(HOST):$(PORT)

# Lighthouse 13 (from npm, into build/lighthouse) on the contents, a section, a prompt and unlock,
# on a phone and a desktop, served as `make run` serves them. Needs npm, so not part of `make test`.
LIGHTHOUSE := build/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	npm install --silent --no-fund --no-audit --prefix build/lighthouse lighthouse@13

lighthouse: $(VENV)/.installed $(LIGHTHOUSE)
	$(PY) tests/bench/lighthouse.py

clean:
	rm -rf $(VENV) staticfiles build/static
