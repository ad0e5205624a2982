# noregret: two commands on a fresh machine (Python 3.11+, pip, make):
#   make run    set up, then solve the bundled default case(s) and print where the outputs are
#   make test   set up, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.noregret-installed
MANIFEST ?= cases/manifest.yaml
OUT ?= outputs

.PHONY: run test bench docs clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "noregret needs Python >= 3.11 (found %s); set PYTHON=python3.11" % sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/noregret batch $(MANIFEST) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_solve.py
	$(BIN)/python bench/bench_sweep.py

docs: $(STAMP)
	$(BIN)/python -m optimizer.docgen
	$(BIN)/python -m optimizer.provenance

clean:
	rm -rf $(OUT) bench/results .pytest_cache
