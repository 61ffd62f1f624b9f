# Quick start: `make demo` (set up, then build the bundled example), `make test` and `make lint`.
#
# The demo installs only what it needs: the package and its own dependencies, LibreOffice Writer
# and fonts. `make test` adds the test tools and the portal's dependencies (the pyproject `test`
# extra) and the programs the tests drive (PostgreSQL, nginx, Node.js, Chromium …).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_STAMP := $(VENV)/.installed-demo
STAMP := $(VENV)/.installed
EXAMPLE := data/示例/申报.yaml
OUT := 输出/示例
# The example's 认定批次 closed on 2021-08-17: its cover carries a date before that.
DEMO_DATE := 2021-08-10

.PHONY: demo test lint setup sysdeps sysdeps-demo bench models templates evidence clean

$(DEMO_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO_STAMP)

$(STAMP): pyproject.toml $(DEMO_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

sysdeps-demo:
	@bash scripts/install_system_deps.sh demo

sysdeps:
	@bash scripts/install_system_deps.sh test

setup: $(STAMP) sysdeps

demo: $(DEMO_STAMP) sysdeps-demo
	$(BIN)/jidi-docs check $(EXAMPLE)
	$(BIN)/jidi-docs render $(EXAMPLE) -o $(OUT)
	$(BIN)/jidi-docs bundle $(EXAMPLE) -o $(OUT) --date $(DEMO_DATE)

test: setup
	$(BIN)/python -m pytest

# The gates .ci/run holds: lint rules, formatting, strict typing (configured in pyproject.toml),
# on the package, its tests, the scripts and the benchmarks. scripts/ and benchmarks/ are checked
# by mypy one folder at a time: each is a folder of top-level modules importing each other.
LINTED := src tests scripts benchmarks
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy --strict src
	$(BIN)/mypy --strict scripts
	$(BIN)/mypy --strict benchmarks

bench: setup
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/bundle.py
	$(BIN)/python benchmarks/batch.py

# After editing src/jidi_docs/schema/sections.yaml: the model classes' fields, then the templates.
models: $(STAMP)
	$(BIN)/python scripts/make_models.py

templates: $(STAMP)
	$(BIN)/python scripts/make_templates.py

evidence: $(STAMP)
	$(BIN)/python scripts/make_sample_evidence.py

clean:
	rm -rf $(VENV) 输出 .pytest_cache dist build
