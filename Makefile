# The two commands: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := marketplace.settings

.PHONY: install demo test lint typecheck bench serve migrate vendor clean

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

# `exec`: make passes a SIGTERM on to its child, which must be the script, not a shell.
demo: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo
	DEBUG=$${DEBUG:-1} PORT=$(PORT) BIN=$(BIN) exec ./bin/serve-demo

test: install
	$(BIN)/ruff check .
	TESTING=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	TESTING=1 $(BIN)/mypy marketplace shop creators

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

# Re-vendor the front-end files from the npm registry (never loaded from a CDN at run time).
vendor:
	cd /tmp && npm pack htmx.org@2.0.11 && tar xzf htmx.org-2.0.11.tgz
	cp /tmp/package/dist/htmx.min.js static/vendor/htmx.min.js

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
