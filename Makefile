# Rendezvous: `make run` starts the product with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Where `make run` listens; the settings build SITE_URL from them unless it is set.
RUN_ENV := HOST=$(HOST) PORT=$(PORT)

.PHONY: run test test-fast lint messages bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q ".[test]"
	touch $@

run: $(VENV)/.installed
	$(RUN_ENV) $(PY) manage.py migrate --noinput -v 0
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) scripts/serve.py --web 1 --workers 1

test: $(VENV)/.installed
	scripts/ensure-test-browser
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

test-fast: $(VENV)/.installed
	$(PY) -m pytest -n auto -m "not browser" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l de -l ru --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

bench: $(VENV)/.installed
	$(PY) bench/rush.py

clean:
	rm -rf $(VENV) staticfiles
