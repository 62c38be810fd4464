# Integritas: `make run` serves the demo, `make test` runs the whole suite.
# Only Python 3.11+ and make are needed; everything else is installed into .venv.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Absolute links (QR codes, emails, the evidence manifest, admin links) follow the server
# `make run` starts, unless INTEGRITAS_BASE_URL is given.
BASE_URL := $(or $(INTEGRITAS_BASE_URL),http://$(HOST):$(PORT))
# The demo signs with the DEMO keys seed_demo writes here, unless INTEGRITAS_SIGNING_PKCS12 is given.
DEMO_SIGNING := $(CURDIR)/var/demo-signing
# The local demo skips the staff TOTP requirement unless you set it to 1 (production refuses 0).
DEMO_MFA ?= $(or $(INTEGRITAS_STAFF_MFA_REQUIRED),0)

.PHONY: install run test test-browser lint migrate clean cluster-check

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
	INTEGRITAS_BASE_URL=$(BASE_URL) $(PY) manage.py seed_demo
	@echo "Integritas: $(BASE_URL)/  (admin: $(BASE_URL)/admin/)"
	@trap 'kill 0' INT TERM EXIT; \
	  export INTEGRITAS_STAFF_MFA_REQUIRED=$(DEMO_MFA) INTEGRITAS_BASE_URL=$(BASE_URL); \
	  if [ -z "$$INTEGRITAS_SIGNING_PKCS12" ] && [ -f $(DEMO_SIGNING)/passphrase.txt ]; then \
	    export INTEGRITAS_SIGNING_PKCS12=$(DEMO_SIGNING)/penanda-tangan-DEMO.p12 \
	      INTEGRITAS_SIGNING_PASSPHRASE="$$(cat $(DEMO_SIGNING)/passphrase.txt)" \
	      INTEGRITAS_SIGNING_TRUST_ROOTS=$(DEMO_SIGNING)/ca-DEMO.pem; \
	  fi; \
	  $(PY) manage.py run_worker & \
	  $(PY) manage.py run_schedule & \
	  INTEGRITAS_STAFF_MFA_REQUIRED=$(DEMO_MFA) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: install
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# Two gunicorn nodes behind nginx, RQ workers and the scheduler on PostgreSQL and a Redis of
# its own, under Locust; kills a node, a worker and Redis; checks nothing was lost (≈ 4 min).
# PostgreSQL at CLUSTER_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
cluster-check: install
	$(PY) bench/cluster_check.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* var .pytest_cache
