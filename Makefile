# Two commands on a fresh clone: `make run` and `make test`. Each creates or reuses .venv and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
CHROMIUM ?= /usr/bin/chromium

.PHONY: run serve-public serve-team store-server store-server-stop test lint lock check-data i18n chromium bench bench-export bench-import bench-scale bench-memory bench-load clean help

help:
	@echo "make run         start the dashboard for one analyst on http://127.0.0.1:$(PORT) (workstation mode)"
	@echo "make serve-public  serve the curated data read-only on every interface, port $(PORT) (public mode)"
	@echo "make serve-team    serve analysts who sign in to share imported data (team mode; STORE_URL=postgresql://...)"
	@echo "make store-server  start a local PostgreSQL store on a loopback port in var/pg (prints its URL)"
	@echo "make test        run the whole test suite (installs Chromium from Debian if missing)"
	@echo "make lint        ruff over the code (make test runs it too)"
	@echo "make i18n        update the translation catalogues from the strings marked in the code"
	@echo "make lock        write requirements.lock again after editing requirements*.txt"
	@echo "make check-data  validate data/ and print a report (exit 1 on any error)"
	@echo "make bench       print rerun and page-draw timings"
	@echo "make bench-export  print briefing-pack export times"
	@echo "make bench-import  print import times and memory for synthetic GTD files"
	@echo "make bench-scale   print reruns, map payload and memory at 1k..1M imported incidents"
	@echo "make bench-memory  print one server's memory and caches over 1,000 filter changes (100k imported rows)"
	@echo "make bench-load    print interaction times, errors and memory for K=1,5,10,25 users, one and two replicas"

# Installs exactly the versions of requirements.lock (every transitive package pinned, with hashes). After editing
# requirements.txt or requirements-dev.txt, `make lock` writes the lock again.
$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

lock: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip-tools
	$(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-trusted-host --no-emit-find-links -o requirements.lock requirements.txt requirements-dev.txt

lint: $(STAMP)
	$(PY) -m ruff check .

# Every mode starts the dashboard through its launcher, `python dashboard/app.py [streamlit options]`: it runs
# `streamlit run` and builds the first page's views in the background from the start, before the first visitor.
# Workstation (the default mode): one analyst, served on this machine only.
run: $(STAMP)
	KZ_MODE=workstation $(PY) dashboard/app.py --server.port $(PORT) --server.address 127.0.0.1

# Public: the curated data pack, read-only, on every interface (put a TLS reverse proxy in front of it).
HOST ?= 0.0.0.0
serve-public: $(STAMP)
	KZ_MODE=public $(PY) dashboard/app.py --server.port $(PORT) --server.address $(HOST) \
	  --client.showErrorDetails none --client.toolbarMode viewer --server.fileWatcherType none \
	  --server.runOnSave false --server.maxUploadSize 1

# Team: analysts share imported datasets; signing in (st.login, .streamlit/secrets.toml: see secrets.example.toml)
# is needed to change them. STORE_URL: the shared PostgreSQL store (postgresql://...), else the local DuckDB file.
serve-team: $(STAMP)
	@test -f .streamlit/secrets.toml || { echo "team mode needs .streamlit/secrets.toml: copy .streamlit/secrets.example.toml and fill it in"; exit 1; }
	KZ_MODE=team KZ_STORE_URL=$(STORE_URL) $(PY) dashboard/app.py --server.port $(PORT) \
	  --server.address $(HOST) --client.showErrorDetails none --client.toolbarMode viewer \
	  --server.fileWatcherType none --server.runOnSave false

# A PostgreSQL store for trying team mode or replicas by hand: a cluster of Debian's postgresql in var/pg (ignored by
# git) on a loopback port; it prints the URL to give as STORE_URL. `make store-server-stop` stops it, keeping the
# data; `make store-server` starts it again.
store-server: $(STAMP)
	@if [ -f var/pg/data/postmaster.pid ]; then echo "running already: make store-server-stop first"; exit 1; fi
	@mkdir -p var
	$(PY) -m scripts.pg_local start --durable --dir var/pg $(if $(PG_PORT),--port $(PG_PORT))

store-server-stop: $(STAMP)
	$(PY) -m scripts.pg_local stop --dir var/pg --keep

check-data: $(STAMP)
	$(PY) -m scripts.check_data

# What the tests need from Debian, installed when missing (as root, or with sudo where available): Chromium for the
# browser tests, poppler's pdftoppm for the briefing-pack pages, PostgreSQL for the shared store's tests (a
# throwaway cluster on a loopback port, scripts/pg_local.py), Node.js and npm for the local OpenID Connect provider
# of the sign-in tests (tests/oidc), HAProxy for the replicas' test (deploy/haproxy.cfg).
PG_BIN ?= $(firstword $(wildcard /usr/lib/postgresql/*/bin))
chromium:
	@PKGS=""; \
	  test -x $(CHROMIUM) || PKGS="$$PKGS chromium"; \
	  command -v pdftoppm >/dev/null || PKGS="$$PKGS poppler-utils"; \
	  test -x "$(PG_BIN)/pg_ctl" || PKGS="$$PKGS postgresql"; \
	  command -v node >/dev/null || PKGS="$$PKGS nodejs"; \
	  command -v npm >/dev/null || PKGS="$$PKGS npm"; \
	  command -v haproxy >/dev/null || PKGS="$$PKGS haproxy"; \
	  if [ -n "$$PKGS" ]; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$PKGS; fi

test: $(STAMP) chromium lint
	$(PY) -m pytest -n 2

clean:
	rm -rf $(VENV) .pytest_cache

i18n: $(STAMP)
	$(PY) -m scripts.i18n update

bench: $(STAMP) chromium
	$(PY) -m scripts.bench

bench-export: $(STAMP)
	$(PY) -m scripts.bench_export

bench-import: $(STAMP)
	$(PY) -m scripts.bench_import

bench-scale: $(STAMP) chromium
	$(PY) -m scripts.bench_scale

bench-memory: $(STAMP)
	$(PY) -m scripts.bench_memory

bench-load: $(STAMP) chromium
	$(PY) -m scripts.bench_load
