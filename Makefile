# Two commands a newcomer needs: `make run` and `make test`. Everything else is for developers.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-10)
# PostgreSQL run of the suite: pytest-django creates and drops a fresh test_<name> database.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve demo test test-sqlite test-postgres lint bench messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

## make run: install, migrate, load the demo district if the database is empty, serve on http://127.0.0.1:8000
run: install
	$(BIN)/zhiguan migrate --no-input -v0
	$(BIN)/zhiguan demo --if-empty
	$(BIN)/zhiguan serve --host $(HOST) --port $(PORT)

## make test: install and run every test (lint included) on SQLite, then on PostgreSQL when reachable
test: lint test-sqlite test-postgres

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	DATABASE_URL= $(BIN)/zhiguan makemigrations --check --dry-run -v0
	DATABASE_URL= $(BIN)/mypy $(wildcard src/zhiguan/*/services.py src/zhiguan/*/workflow.py) src/zhiguan/org/permissions.py

test-sqlite: install
	DATABASE_URL= $(BIN)/pytest

test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL: running the suite again on $(PG_TEST_URL)"; \
		DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest --create-db; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_TEST_URL); CI must test on it" >&2; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(PG_TEST_URL): the PostgreSQL run is skipped"; \
	fi

## make bench: speed targets (not part of make test); on PostgreSQL when DATABASE_URL says so
bench: install
	$(BIN)/python -m bench

messages: install
	cd src/zhiguan && ../../$(BIN)/zhiguan makemessages -l zh_Hans --no-obsolete --no-location && ../../$(BIN)/zhiguan compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
