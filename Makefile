# noregret: two commands on a fresh machine (Python 3.11+, pip, make):
#   make run    set up, then solve the bundled default case(s) and print where the outputs are
#   make test   set up, then run the test suite with line coverage (fails below COVERAGE_FLOOR percent)
#   make wheel-check   build the wheel, install it with its dependencies in a fresh venv outside the
#                      repository, and solve and validate bundled data with that copy
# and for development (README, "Development"):
#   make test-fast   the suite without the tests marked slow or wheel (under a minute; for the edit-test loop)
#   make coverage    the same as make test, plus the lines not covered and an HTML report in build/coverage
#   make lint   ruff check and ruff format --check (both must pass)
#   make typecheck   mypy on the files listed in pyproject.toml ([tool.mypy] files)
#   make golden   rewrite tests/golden/ (standard forms of two small cases) after an intended formulation change
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.noregret-installed
DEV_STAMP := $(VENV)/.noregret-dev-installed
MANIFEST ?= cases/manifest.yaml
# measured 96.7 % (2026-11-29); the floor sits a few points below so that only a real loss fails
COVERAGE_FLOOR ?= 93
OUT ?= outputs

.PHONY: run test test-fast coverage bench docs clean wheel-check lint format typecheck golden

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "noregret needs Python >= 3.11 (found %s); set PYTHON=python3.11" % sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

# the developer tools (ruff, mypy, stubs) on top of the test install
$(DEV_STAMP): $(STAMP)
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e ".[test,dev]"
	@touch $(DEV_STAMP)

run: $(STAMP)
	$(BIN)/noregret batch $(MANIFEST) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest --cov --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not wheel"

coverage: $(STAMP)
	$(BIN)/python -m pytest -q --cov --cov-report=term-missing --cov-report=html:build/coverage \
	    --cov-fail-under=$(COVERAGE_FLOOR)

bench: $(STAMP)
	$(BIN)/python bench/bench_solve.py
	$(BIN)/python bench/bench_backends.py
	$(BIN)/python bench/bench_sweep.py

docs: $(STAMP)
	$(BIN)/python -m optimizer.docgen
	$(BIN)/python -m optimizer.provenance

wheel-check: $(STAMP)
	@set -e; tmp=$$(mktemp -d); echo "wheel-check in $$tmp"; rm -rf build; \
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w "$$tmp/dist" .; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet "$$tmp"/dist/noregret-*.whl; \
	cd "$$tmp"; \
	"$$tmp/venv/bin/python" -c 'import optimizer, optimizer.bundled as b, sys; \
	paths = [optimizer.__file__, b.library_dir(), b.cases_dir()]; print(*paths, sep="\n"); \
	sys.exit(0 if all(str(p).startswith(sys.prefix) for p in paths) else "not the installed copy")'; \
	venv/bin/noregret cases; \
	venv/bin/noregret validate library manifest; \
	venv/bin/noregret solve georgia --out "$$tmp/georgia" --quiet; \
	test -s "$$tmp/georgia/summary.json"; \
	rm -rf "$$tmp"; echo "wheel-check passed"

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

golden: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_golden.py --update-golden
	git diff --stat -- tests/golden

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

# rewrites files in place
format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(OUT) bench/results .pytest_cache build .coverage .mypy_cache .ruff_cache
