# Everyday commands. `make run` and `make test` set up .venv by themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format preview migrate install lock clean

# requirements.lock pins every package (`make lock` refreshes it), so a new release
# upstream cannot break main overnight.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

lock: $(STAMP)
	$(BIN)/pip freeze --exclude-editable > requirements.lock

install: $(STAMP)

## Apply database migrations and sync the exercise catalogue.
migrate: $(STAMP)
	$(BIN)/python -m trainer_bot migrate

## Start the bot (long polling); needs BOT_TOKEN in .env.
run: migrate
	$(BIN)/python -m trainer_bot run

## The whole test suite; needs PostgreSQL and Redis running (see README).
test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## HTML preview of every window and a transitions diagram, into ./preview.
preview: $(STAMP)
	$(BIN)/python -m trainer_bot preview preview

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache preview
