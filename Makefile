# vigil — the two front doors are `make demo` and `make test`; both set everything up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
DEMO_DIR ?= demo
DEMO_POSTS ?= 20000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test lint pytest bench docs install postgres clean help

help:
	@echo "make demo   - set up, generate a synthetic corpus and run the pipeline on it"
	@echo "make test   - set up (PostgreSQL included) and run lint + the whole test suite"
	@echo "make bench  - run the benchmarks and print each figure beside its baseline"
	@echo "make docs   - regenerate generated docs (CLI reference, settings, indicators)"

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "python3 (>= 3.11) is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)
	@rm -rf $(DEMO_DIR)
	$(BIN)/vigil synth --posts $(DEMO_POSTS) --seed 7 --out $(DEMO_DIR)/corpus
	VIGIL_HOME=$(DEMO_DIR)/home $(BIN)/vigil ingest $(DEMO_DIR)/corpus/posts.jsonl
	VIGIL_HOME=$(DEMO_DIR)/home $(BIN)/vigil status

postgres:
	@scripts/test-postgres.sh >/dev/null

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

pytest: $(STAMP) postgres
	VIGIL_TEST_DATABASE_URL="$$(scripts/test-postgres.sh)" $(BIN)/pytest -n 2 -q

test: lint pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

docs: $(STAMP)
	$(BIN)/python scripts/gen_docs.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
	-scripts/test-postgres.sh stop
