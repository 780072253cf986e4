# vigil — the two front doors are `make demo` and `make test`; both set everything up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha256sum | cut -c1-12)
DEMO_DIR ?= demo
DEMO_POSTS ?= 20000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test lint pytest bench stress fuzz audit docs install postgres sysdeps clean help

help:
	@echo "make demo   - set up, generate a synthetic corpus and run the pipeline on it"
	@echo "make test   - set up (PostgreSQL included) and run lint + the whole test suite"
	@echo "make bench  - run the benchmarks and print each figure beside its baseline"
	@echo "make stress - the long reliability run: repeated kills, big fuzz budgets, load"
	@echo "make fuzz   - the atheris fuzzers, FUZZ_SECONDS each (default 60)"
	@echo "make audit  - dependency audit (pip-audit) of requirements.lock, as a report"
	@echo "make docs   - regenerate generated docs (CLI reference, settings, indicators, legal KB)"

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "python3 (>= 3.11) is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)
	@rm -rf $(DEMO_DIR)
	@echo "== 1. a synthetic corpus with ground truth (fictional data only)"
	$(BIN)/vigil synth --posts $(DEMO_POSTS) --seed 7 --out $(DEMO_DIR)/corpus
	@echo "== 2. scan: ingest, extract identifiers, indicators, risk, link into networks"
	VIGIL_HOME=$(DEMO_DIR)/home $(BIN)/vigil scan $(DEMO_DIR)/corpus/posts.jsonl --out $(DEMO_DIR)/results --top 8 --clusters 3
	@echo "== 3. how good is it? (against the planted truth)"
	$(BIN)/vigil evaluate --truth $(DEMO_DIR)/corpus/truth.jsonl --results $(DEMO_DIR)/results
	$(BIN)/vigil extract --jsonl $(DEMO_DIR)/corpus/posts.jsonl --truth $(DEMO_DIR)/corpus/truth.jsonl
	@echo "== 4. what the data home holds"
	VIGIL_HOME=$(DEMO_DIR)/home $(BIN)/vigil status
	@echo "results: $(DEMO_DIR)/results (posts.parquet, clusters.parquet, evaluation.png)"
	@echo "== 5. the console: open the URL below and log in with the one-time demo login (Ctrl-C stops it)"
	VIGIL_HOME=$(DEMO_DIR)/home $(BIN)/vigil serve --results $(DEMO_DIR)/results --demo-login

postgres:
	@scripts/test-postgres.sh >/dev/null

sysdeps:
	@scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts fuzz
	$(BIN)/ruff format --check src tests benchmarks scripts fuzz
	$(BIN)/mypy

pytest: $(STAMP) postgres sysdeps
	VIGIL_TEST_DATABASE_URL="$$(scripts/test-postgres.sh)" $(BIN)/pytest -n 2 -q

test: lint pytest audit

stress: $(STAMP) postgres sysdeps
	VIGIL_TEST_DATABASE_URL="$$(scripts/test-postgres.sh)" scripts/stress.sh

fuzz: $(STAMP)
	$(BIN)/python fuzz/run.py --seconds $${FUZZ_SECONDS:-60}

audit: $(STAMP)
	@BIN=$(BIN) scripts/dependency-audit.sh

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

docs: $(STAMP)
	$(BIN)/python scripts/gen_docs.py
	$(BIN)/python scripts/gen_legal_docs.py
	$(BIN)/python -m vigil.web.docgen

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
	-scripts/test-postgres.sh stop
