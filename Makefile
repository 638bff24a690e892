# Entry points for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
AXE := tests/dashboard/node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages: Chromium for the browser tests and the charts in reports (kaleido),
# Pango and fonts for the PDF reports (WeasyPrint).
SYSTEM_PACKAGES := chromium chromium-driver libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

PREFIX ?= /opt/kim

.PHONY: demo test lint bench browser system clean install lock

# Every package at the version in requirements/test.txt (make lock), then the project itself.
$(BIN)/kim: pyproject.toml requirements/test.txt
	@echo "Richte $(VENV) ein (Python-Pakete aus requirements/test.txt) …"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install -r requirements/test.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $@

# A production install without the test packages (docs/operations.md).
install:
	$(PYTHON) -m venv $(PREFIX)
	$(PREFIX)/bin/pip install --quiet -r requirements/produktion.txt
	$(PREFIX)/bin/pip install --quiet --no-deps .
	$(PREFIX)/bin/pip check

# Pin every Python dependency again (after a change in pyproject.toml).
lock:
	$(PYTHON) requirements/lock.py

demo: $(BIN)/kim system
	$(BIN)/kim demo

system:
	@if [ ! -x /usr/bin/chromedriver ] || ! ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1; then \
		echo "Installiere Debian-Pakete ($(SYSTEM_PACKAGES)), das dauert einige Minuten …"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); \
	fi

# Browser tests: the system packages above, axe-core from the npm registry.
browser: system $(AXE)

$(AXE): tests/dashboard/package.json tests/dashboard/package-lock.json
	@echo "Installiere axe-core für die Barrierefreiheitstests …"
	cd tests/dashboard && npm ci --no-audit --no-fund --silent
	touch $@

test: $(BIN)/kim browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(BIN)/kim browser
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_dashboard.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_confidentiality.py
	$(BIN)/python benchmarks/bench_growth.py

clean:
	rm -rf $(VENV) data build tests/dashboard/node_modules
