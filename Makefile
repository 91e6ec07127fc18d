# Two commands: `make run` (install, then chat with the demo programme in this terminal,
# or start Slack/Telegram when their tokens are configured) and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test test-postgres lint bench clean

run: $(VENV)/.installed
	$(BIN)/mentorbot run --demo $(ARGS)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(ARGS)

# The same suite on PostgreSQL (one schema per test), e.g. the development machines' server.
MENTORBOT_TEST_DATABASE ?= postgresql://postgres@127.0.0.1:5432/test
test-postgres: $(VENV)/.installed-dev
	MENTORBOT_TEST_DATABASE=$(MENTORBOT_TEST_DATABASE) $(BIN)/python -m pytest $(ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
