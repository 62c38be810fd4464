# Integritas: `make run` serves the demo, `make test` runs the whole suite.
# Only Python 3.11+ and make are needed; everything else is installed into .venv.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# The local demo skips the staff TOTP requirement unless you set it to 1 (production refuses 0).
DEMO_MFA ?= $(or $(INTEGRITAS_STAFF_MFA_REQUIRED),0)

.PHONY: install run test test-browser lint migrate clean

$(STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Integritas needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

run: migrate
	$(PY) manage.py seed_demo
	@echo "Integritas: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@trap 'kill 0' INT TERM EXIT; \
	  export INTEGRITAS_STAFF_MFA_REQUIRED=$(DEMO_MFA); \
	  $(PY) manage.py run_worker & \
	  $(PY) manage.py run_schedule & \
	  INTEGRITAS_STAFF_MFA_REQUIRED=$(DEMO_MFA) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: install
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* var .pytest_cache
