# Entry points for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/kim: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/kim
	$(BIN)/kim demo

test: $(BIN)/kim
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(BIN)/kim
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf $(VENV) data build
