# Two commands a newcomer needs: `make run` and `make test`. Everything else is for developers.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-10)
# PostgreSQL run of the suite: pytest-django creates and drops a fresh test_<name> database.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
# Test processes (pytest-xdist): one per core; each has its own test database.
TEST_WORKERS ?= auto
HOST ?= 127.0.0.1
PORT ?= 8000

# The web console (web/): npm ci when the lockfile changed, a build when its sources changed.
WEB_DEPS := web/node_modules/.ci-$(shell sha1sum web/package-lock.json 2>/dev/null | cut -c1-10)
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package.json -type f 2>/dev/null)
WEB_BUILD := web/dist/index.html
NEED_NODE = @command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	echo "Node.js 20+ and npm are needed to build the web console (web/): install them (Debian: apt-get install nodejs npm)." >&2; exit 1; }

.PHONY: install system run serve demo test test-sqlite test-postgres lint bench messages clean web web-test e2e browser

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: system $(STAMP)

# Debian packages the Python side needs: Pango for WeasyPrint's PDFs, a CJK font for Chinese
# typesetting, poppler-utils to look at PDF pages as images, HarfBuzz-Subset so that WeasyPrint
# subsets the CJK font in a second (fontTools takes ~20 s per weight). Installed when missing and running as root.
SYSTEM_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils libharfbuzz-subset0
system:
	@if fc-list 2>/dev/null | grep -q "Noto Sans CJK" && ldconfig -p | grep -q libpangoft2 && ldconfig -p | grep -q libharfbuzz-subset && command -v pdftoppm >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "== installing $(SYSTEM_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	else \
		echo "PDF reports need Debian's $(SYSTEM_PACKAGES): run 'sudo apt-get install $(SYSTEM_PACKAGES)'." >&2; exit 1; \
	fi

$(WEB_DEPS): web/package-lock.json
	$(NEED_NODE)
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@rm -f web/node_modules/.ci-*
	@touch $@

$(WEB_BUILD): $(WEB_DEPS) $(WEB_SOURCES)
	cd web && npm run build --silent -- --logLevel warn

## make web: install the console's packages (npm ci) and build it into web/dist, each only when needed
web: $(WEB_BUILD)

## make run: install, migrate, load the demo district if the database is empty, serve on http://127.0.0.1:8000
run: install web
	$(BIN)/zhiguan migrate --no-input -v0
	$(BIN)/zhiguan demo --if-empty
	$(BIN)/zhiguan serve --host $(HOST) --port $(PORT)

## make test: install and run every test (lint included) on SQLite, then on PostgreSQL when reachable
test: lint test-sqlite test-postgres web-test e2e

# Apps type-checked whole (every module but migrations); elsewhere the services and workflows.
MYPY_WHOLE_APPS = $(wildcard src/zhiguan/cases/*.py src/zhiguan/supervision/*.py src/zhiguan/intake/*.py)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	DATABASE_URL= $(BIN)/zhiguan makemigrations --check --dry-run -v0
	$(BIN)/lint-imports --no-cache
	DATABASE_URL= $(BIN)/mypy src/zhiguan/cases src/zhiguan/supervision src/zhiguan/intake src/zhiguan/intelligence src/zhiguan/assessment \
		$(filter-out $(MYPY_WHOLE_APPS),$(wildcard src/zhiguan/*/services.py src/zhiguan/*/workflow.py)) \
		src/zhiguan/org/permissions.py

test-sqlite: install
	DATABASE_URL= $(BIN)/pytest -n $(TEST_WORKERS)

test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL: running the suite again on $(PG_TEST_URL)"; \
		DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest --create-db -n $(TEST_WORKERS); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_TEST_URL); CI must test on it" >&2; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(PG_TEST_URL): the PostgreSQL run is skipped"; \
	fi

## make web-test: component tests (Vitest), type check, and the API types checked against the OpenAPI document
web-test: install $(WEB_DEPS)
	cd web && npm test --silent && npm run typecheck --silent && ZHIGUAN_PYTHON=../$(BIN)/python npm run check-api --silent

## make e2e: the built console in headless Chromium against a fresh demo server (tests/e2e)
e2e: install web browser
	DATABASE_URL= $(BIN)/pytest -m e2e tests/e2e

# Debian's chromium and chromium-driver; installed here when missing and running as root.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "== installing chromium and chromium-driver (browser tests)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; \
	else \
		echo "Browser tests need /usr/bin/chromium and /usr/bin/chromedriver: run 'sudo apt-get install chromium chromium-driver'." >&2; exit 1; \
	fi

## make bench: speed targets (not part of make test); on PostgreSQL when DATABASE_URL says so
bench: install
	$(BIN)/python -m bench

messages: install
	cd src/zhiguan && ../../$(BIN)/zhiguan makemessages -l zh_Hans --no-obsolete --no-location && ../../$(BIN)/zhiguan compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache web/node_modules web/dist
