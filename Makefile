# esr-geo: two commands for a newcomer (see README.md).
#   make run   set everything up and open the app on the default data
#   make test  set everything up and run the whole test suite (what CI runs)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT ?= 8501

.PHONY: setup run test lint check-data system-deps bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Debian packages the tests need: Chromium for the browser test, GDAL's ogrinfo for exports.
system-deps:
	@bash scripts/system-deps.sh

check-data: setup
	$(VENV)/bin/esr-geo data check

run: setup check-data
	$(VENV)/bin/streamlit run serve.py --server.port $(PORT) --server.headless true

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: setup system-deps lint
	$(VENV)/bin/pytest --cov=esr_geo --cov-report=term-missing:skip-covered

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) data/cache .pytest_cache .mypy_cache .ruff_cache
