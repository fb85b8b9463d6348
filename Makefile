# BTS – the two commands: `make demo` serves the app with demo data, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# pyenv selects 3.13 through .python-version; a plain python3.13 on PATH works too.
PYTHON ?= $(shell command -v python3.13 2>/dev/null || command -v python3 2>/dev/null)
UV_VERSION := 0.13.8
CHROMIUM := /usr/bin/chromium
# WeasyPrint (PDF documents) needs Pango and HarfBuzz' subsetter from the system; the
# translation catalogues (make messages, and the test that they are complete) need GNU gettext.
SYSTEM_LIBS := libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0
SYSTEM_TOOLS := msgfmt xgettext msgmerge msgattrib msgcat
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext

.PHONY: help demo test bench lint e2e db-stop vendor-designsystemet lock clean system-libs messages backup restore drills

help:
	@echo "make demo   – start lokal PostgreSQL, migrer, last Øvre Eikers veileder, verktøykasse og demodata, server på http://127.0.0.1:8000"
	@echo "              (en annen veileder: make demo DEMO_GUIDE=fixtures/veiledere/vestby.toml)"
	@echo "make test   – hele testsuiten (ruff, enhets- og visningstester, nettlesertester i Chromium)"
	@echo "make bench  – ytelsesmåling: ny database med 200 000 syntetiske saker, appen under gunicorn, tabell over p50/p95 og spørringer per side"
	@echo "make db-stop – stopp den lokale PostgreSQL-serveren som make demo startet"
	@echo "make drills – feiløvelser under last (omstart, failover, gjenoppretting, 10 min utholdenhet); ingen bekreftet skriving skal gå tapt"
	@echo "make backup – sikkerhetskopi av den lokale databasen til backups/ (med manifest over alle tabeller)"
	@echo "make restore FILE=backups/backup-….dump – tøm den lokale databasen, gjenopprett kopien og kontroller hver tabell"
	@echo "make messages – oppdater og kompiler oversettelsene (nynorsk), og vis det som mangler oversettelse"
	@echo "make vendor-designsystemet – hent Designsystemet CSS på nytt til static/vendor/"
	@echo "make lock   – lag requirements.lock på nytt fra pyproject.toml"

$(VENV)/.installed: requirements.lock .python-version
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 13) else 1)' || \
	  { echo "BTS trenger Python 3.13 (fant $$($(PYTHON) --version 2>&1)). Installer python3.13 eller bruk pyenv." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --quiet --python $(PY) --require-hashes requirements.lock
	@touch $@

# manage.py starts (or reuses) the project-local PostgreSQL in .pgdata/ when BTS_LOCAL_DB is set
# and DATABASE_URL is not; the settings themselves never start a server.
DEMO := DJANGO_DEBUG=1 BTS_LOCAL_DB=persistent BTS_OIDC_DEMO_SECRET=demo-idp-secret $(PY) manage.py
# The guide the first demo municipality's cases follow (any file in fixtures/veiledere/).
DEMO_GUIDE ?= fixtures/veiledere/ovre-eiker.toml

# The local OpenID provider (Node): the tests' and the demo's identity providers, from the lock file.
IDP := devdata/idp
$(IDP)/node_modules/.installed: $(IDP)/package-lock.json
	@command -v npm >/dev/null || { echo "Innloggingstestene og demoen trenger Node 20.19+ og npm." >&2; exit 1; }
	npm ci --prefix $(IDP) --no-audit --no-fund --loglevel=error
	@touch $@

# The app and, beside it, the demo municipalities' and ID-porten's sign-in (stopped with it).
demo: $(VENV)/.installed system-libs $(IDP)/node_modules/.installed
	$(DEMO) migrate --noinput
	$(DEMO) load_toolbox fixtures/verktoy/ovre-eiker.toml
	$(DEMO) seed_demo --guide $(DEMO_GUIDE)
	@echo "BTS kjører på http://127.0.0.1:8000 – logg inn som ansatt / demo (Ctrl-C stopper)."
	$(DEMO) demo_idp & idp=$$!; trap 'kill $$idp 2>/dev/null' EXIT; \
	  $(DEMO) runserver 127.0.0.1:8000

# Settings config.settings_test (pyproject); a throwaway PostgreSQL unless DATABASE_URL is set.
test: $(VENV)/.installed system-libs $(CHROMIUM) $(IDP)/node_modules/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

# The local database (make demo's), as the owner of the tables; in production the same module
# runs with DATABASE_URL set to the owner's (docs/operations.md).
backup: $(VENV)/.installed
	@eval "$$($(PY) -m bts.localdb start)" && $(PY) -m bts.backup backup backups

restore: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "Bruk: make restore FILE=backups/backup-….dump" >&2; exit 1; }
	@eval "$$($(PY) -m bts.localdb start)" && $(PY) -m bts.backup replace "$(FILE)"

# A fresh database of its own (.pgdata-drills/), faults under load, then everything removed.
drills: $(VENV)/.installed system-libs
	$(PY) -u drills/run.py $(DRILL_ARGS)

# A fresh database of its own (.pgdata-bench/), seeded, measured over loopback, then removed.
bench: $(VENV)/.installed system-libs
	$(PY) -u bench/run.py $(BENCH_ARGS)

# Debian's chromium drives the browser tests; Playwright cannot download its own browser here.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installerer Debians chromium for nettlesertestene …"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "Nettlesertestene trenger Debians chromium i $(CHROMIUM). Installer den: sudo apt-get install chromium" >&2; \
	  exit 1; \
	fi

system-libs:
	@missing=""; for lib in $(SYSTEM_LIBS); do ldconfig -p | grep -q "$$lib" || missing="$$missing $$lib"; done; \
	for tool in $(SYSTEM_TOOLS); do command -v "$$tool" >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installerer Pango og HarfBuzz for PDF-dokumentene og gettext for oversettelsene …"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    echo "PDF-dokumentene og oversettelsene trenger$$missing. Installer: sudo apt-get install $(SYSTEM_PACKAGES)" >&2; \
	    exit 1; \
	  fi; \
	fi

# The catalogues (docs/language.md): Django's makemessages for the code's nynorsk catalogue,
# what Django's own catalogues lack for nb and nn, compiled (msgfmt --check-format, as
# compilemessages does); then the messages left to translate. Needs no database.
messages: $(VENV)/.installed system-libs
	$(PY) scripts/messages.py update

db-stop: $(VENV)/.installed
	$(PY) -m bts.localdb stop

vendor-designsystemet:
	scripts/vendor-designsystemet.sh

lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.13 --no-header -o requirements.lock

clean:
	rm -rf $(VENV) .staticfiles .pytest_cache .ruff_cache
