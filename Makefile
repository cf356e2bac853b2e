# Two commands for everyone: `make run` and `make test`. Each creates the virtual
# environment from the pinned requirements on first use (Python 3.11+ is all it needs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check-faq bench clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

test: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/ruff format --check bot tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m bot faq check
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/ruff format --check bot tests benchmarks
	$(BIN)/mypy

check-faq: $(STAMP)
	$(BIN)/python -m bot faq check

bench: $(STAMP)
	$(BIN)/python -m benchmarks.matcher

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
