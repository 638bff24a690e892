# Entry points for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
AXE := tests/dashboard/node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint bench browser clean

$(BIN)/kim: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/kim
	$(BIN)/kim demo

# Browser tests: Debian's Chromium and ChromeDriver, axe-core from the npm registry.
browser: /usr/bin/chromedriver $(AXE)

/usr/bin/chromedriver:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver

$(AXE): tests/dashboard/package.json tests/dashboard/package-lock.json
	cd tests/dashboard && npm ci --no-audit --no-fund --silent
	touch $@

test: $(BIN)/kim browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(BIN)/kim browser
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_dashboard.py

clean:
	rm -rf $(VENV) data build tests/dashboard/node_modules
