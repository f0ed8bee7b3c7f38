# Coordination Hub. `make run` and `make test` set up everything they need in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-all lint typecheck bench lock demo-logins clean help

help:
	@echo "make run    - set up, migrate, load the demonstration group and start web, worker and beat"
	@echo "make test   - run the fast tier of the test suite (no page walks, no browser)"
	@echo "make test-all - run the whole test suite, as CI does"
	@echo "make lint   - ruff (lint and format check) and the import contracts between apps"
	@echo "make typecheck - mypy with django-stubs"
	@echo "make bench  - run the benchmarks"
	@echo "make lock   - recompile the pinned requirements from pyproject.toml"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Coordination Hub needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: $(BIN)/python requirements/base.txt
	$(BIN)/pip install --quiet -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: $(BIN)/python requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	@touch $@ $(VENV)/.base-installed

# The demo logins have no second factor, so the demonstration does not require it; production
# does (MFA_REQUIRED_FOR=secretariat). Try it here with: make run MFA_REQUIRED_FOR=secretariat
MFA_REQUIRED_FOR ?=
# The group's name is configuration, not code; the demonstration is of ICAT.
GROUP_NAME ?= ICAT (demonstration)
# Where the links in emails point.
SITE_URL ?= http://127.0.0.1:$(PORT)
# Handed to the shell through the environment, so that any character in them is written as is.
run: export RUN_SITE_URL := $(SITE_URL)
run: export RUN_GROUP_NAME := $(GROUP_NAME)
run: export RUN_MFA_REQUIRED_FOR := $(MFA_REQUIRED_FOR)
# The configuration is written to var/run.env, which every process of this checkout reads
# (config/settings.py): the web server, worker and beat, and a `manage.py send_digests` typed
# later in another terminal, which then sends the same links under the same name. The worker's
# and beat's logs go to var/log/; the banner with the address and the logins comes last, once the
# web server answers (Procfile.embedded).
run: $(VENV)/.base-installed
	@mkdir -p var/log
	@{ echo "# Written by make run; read by every process of this checkout (config/settings.py)."; \
	  printf 'SITE_URL=%s\n' "$$RUN_SITE_URL"; \
	  printf 'GROUP_NAME="%s"\n' "$$RUN_GROUP_NAME"; \
	  printf 'MFA_REQUIRED_FOR=%s\n' "$$RUN_MFA_REQUIRED_FOR"; } > var/run.env
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) createcachetable
	$(MANAGE) load_demo
	WEB_URL=http://127.0.0.1:$(PORT)/ PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/honcho --procfile Procfile.embedded start --port $(PORT) 2>&1 || true

# The fast tier: everything but the walks over every page of the demonstration and the browser
# tests (a few minutes). `make test-all` runs the whole suite, as CI does (.ci/run).
test: $(VENV)/.dev-installed
	$(BIN)/pytest -m "not slow and not browser"

test-all: $(VENV)/.dev-installed
	$(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy .

bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench

lock: $(VENV)/.dev-installed
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe --extra dev -c requirements/base.txt -o requirements/dev.txt pyproject.toml

clean:
	rm -rf var/celery var/mail var/log
