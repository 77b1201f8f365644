# Two commands on a fresh clone: `make run` and `make test`. Each creates or reuses .venv and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint lock check-data i18n chromium bench bench-export bench-import bench-scale clean help

help:
	@echo "make run         start the dashboard on http://localhost:$(PORT)"
	@echo "make test        run the whole test suite (installs Chromium from Debian if missing)"
	@echo "make lint        ruff over the code (make test runs it too)"
	@echo "make i18n        update the translation catalogues from the strings marked in the code"
	@echo "make lock        write requirements.lock again after editing requirements*.txt"
	@echo "make check-data  validate data/ and print a report (exit 1 on any error)"
	@echo "make bench       print rerun and page-draw timings"
	@echo "make bench-export  print briefing-pack export times"
	@echo "make bench-import  print import times and memory for synthetic GTD files"
	@echo "make bench-scale   print reruns, map payload and memory at 1k..1M imported incidents"

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

run: $(STAMP)
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT)

check-data: $(STAMP)
	$(PY) -m scripts.check_data

# Browser tests drive Debian's Chromium; briefing-pack tests render PDF pages with poppler's pdftoppm. Install
# them from Debian when missing (as root, or with sudo where available).
chromium:
	@test -x $(CHROMIUM) && command -v pdftoppm >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium poppler-utils; }

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

bench-scale: $(STAMP)
	$(PY) -m scripts.bench_scale
