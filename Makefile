PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench install clean

$(BIN)/xltools: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/xltools

install: $(BIN)/xltools

demo: install
	$(BIN)/xltools demo demo

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench_check.py

clean:
	rm -rf $(VENV) demo
