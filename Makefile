# Reflect: `make run` serves the personal profile on http://127.0.0.1:8000; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench content clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Reflect needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

content: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content
	$(PY) manage.py collectstatic --noinput --verbosity 0

run: content
	$(VENV)/bin/gunicorn reflect.wsgi --bind $(HOST):$(PORT) --workers 2

test: $(VENV)/.installed-test
	$(PY) -m pytest

bench: $(VENV)/.installed-test
	$(PY) tests/bench/page_weight.py
	$(PY) tests/bench/journal.py

clean:
	rm -rf $(VENV) staticfiles
