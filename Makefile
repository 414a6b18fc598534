# Two commands for a newcomer: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_CONTACTS ?= 5000
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test test-sqlite test-postgres lint typecheck migrations-check check e2e bench lock clean

$(STAMP): requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (python3.13, python3.12 or python3)."; exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

# Installs, migrates, loads demo data, prints logins, serves the app and its task worker.
demo: install
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py seed_demo --contacts $(DEMO_CONTACTS) --seed 1 --if-empty
	DEBUG=true $(BIN)/python manage.py rebuild_engagement_summary
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the worker)"
	@trap 'kill 0' EXIT INT TERM; \
	DEBUG=true $(BIN)/python manage.py db_worker --interval 1 >/dev/null 2>&1 & \
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest -q -m "not e2e"

test-sqlite: install
	DATABASE_URL= $(BIN)/pytest -q -m "not e2e" --create-db

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/crm} $(BIN)/pytest -q -m "not e2e" --create-db

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

migrations-check: install
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

check: lint typecheck migrations-check test

# Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium); they
# skip, saying why, where it is missing. `make test` leaves them to this target.
e2e: install
	$(BIN)/pytest -q -m e2e tests/e2e

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

lock:
	$(BIN)/python -m pip freeze --exclude-editable > requirements-dev.txt

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
