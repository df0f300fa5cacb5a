# Everything a person runs. `make demo` and `make test` are the README's promise;
# `make demo ENGINE=camunda7` (or operaton, flowable) runs the dashboard against a real engine.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# The first Python 3.11+ on PATH, newest first.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: demo test install install-dev lint format bench clean realengines

demo: install
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo_users
	ENGINE=$(ENGINE) $(BIN)/python scripts/demo.py

# The real engines' runnable jars (var/realengines/), rebuilt only when their Maven sources change.
realengines: install
	$(BIN)/python -m realengines build

# The tests against real engines (JVMs started once, workers that outlive a test) run as a session of
# their own, after the rest: in one session with everything else their database was once replaced
# under them midway, which neither session shows alone.
test: install-dev
	$(BIN)/python -m pytest -m "not real_engine"
	$(BIN)/python -m pytest -m real_engine

# Benchmarks, not tests: tables and var/bench/results.json (seeds a 1,000,000-instance demo engine, then
# real Camunda 7.24 engines for the side by side with Cockpit: long; bench/run.py --only demo|cockpit).
bench: install
	$(BIN)/python bench/run.py

# The type checker's files and strictness (strict on engines/) are in pyproject.toml.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

install: $(VENV)/.runtime node_modules/.installed
install-dev: install $(VENV)/.dev

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed on PATH." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm (Node.js) is needed for the front-end packages." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules var staticfiles .pytest_cache
