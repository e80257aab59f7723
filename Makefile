# Erhvervskontakt — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTHON ?= python3

export VAR_DIR ?= $(CURDIR)/var
# The embedded default: demo mode, SQLite under var/, file-system Celery broker, mail to files.
export DEMO_MODE ?= 1
export SECRET_KEY_FILE ?= $(VAR_DIR)/secret_key
export ALLOWED_HOSTS ?= 127.0.0.1,localhost
export SECURE_COOKIES ?= 0
export SITE_URL ?= http://127.0.0.1:$(PORT)
export PORT

.PHONY: run setup test lint format messages clean-var help

help:
	@echo "make run    - set up from a fresh clone and start the whole system at http://127.0.0.1:$(PORT)"
	@echo "make setup  - everything 'make run' does except serving"
	@echo "make test   - the whole test suite"
	@echo "make lint   - ruff"

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VAR_DIR)/secret_key:
	mkdir -p $(VAR_DIR)
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# collectstatic hashes and compresses every file (a minute or more): only when sources changed.
STATIC_SOURCES := $(shell find erhvervskontakt -path '*/static/*' -type f 2>/dev/null)
$(VAR_DIR)/static/.collected: $(VENV)/.installed node_modules/.installed $(VAR_DIR)/secret_key $(STATIC_SOURCES)
	$(PY) manage.py collectstatic --no-input -v0
	touch $@

setup: $(VENV)/.installed node_modules/.installed $(VAR_DIR)/secret_key $(VAR_DIR)/static/.collected
	mkdir -p $(VAR_DIR)/celery/queue $(VAR_DIR)/celery/processed $(VAR_DIR)/media $(VAR_DIR)/sent-mail
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*' -v0 2>/dev/null || $(PY) -m erhvervskontakt.core.compile_messages
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_catalogue
	$(PY) manage.py route_train --if-missing
	$(PY) manage.py load_forms
	@if [ "$(DEMO_MODE)" = "1" ]; then $(PY) manage.py load_demo && $(PY) manage.py load_call_history && $(PY) manage.py telephony_example_menu --if-missing; fi

run: setup
	@echo ""
	@echo "Erhvervskontakt runs at http://127.0.0.1:$(PORT)  (staff: http://127.0.0.1:$(PORT)/staff/)"
	@echo "Demo logins (password 'demo'): agent, caseworker (TMF), caseworker_b (KFF), unit_contact, manager, editor, admin"
	@echo "Outgoing mail is written to $(VAR_DIR)/sent-mail. Stop with Ctrl-C."
	@echo ""
	$(VENV)/bin/honcho start -f Procfile

# One pytest worker per core (pytest-xdist); a file's tests stay together so module fixtures
# (trained routing models, a Dovecot per worker) are built once per worker.
PYTEST_ARGS ?= -n auto --dist loadfile
test: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(VENV)/.installed
	cd erhvervskontakt && ../$(PY) ../manage.py makemessages -l da -l en --no-obsolete --ignore 'demo/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'
