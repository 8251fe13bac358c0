# The two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
PYTEST_WORKERS ?= auto
DEMO_WORKERS ?= 2

.PHONY: demo test install dev lint typecheck check pytest bench messages clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "medtek needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev

## demo: set up the SQLite database under var/ with demo data (once) and serve it as production does
## (DEBUG off, gunicorn with production's settings in medtek/config/gunicorn.py: threaded workers that keep
## connections alive, static files by whitenoise); DEMO_WORKERS sets gunicorn's worker processes
demo: export DJANGO_SETTINGS_MODULE = medtek.config.settings.demo
demo: install
	@mkdir -p var
	$(BIN)/medtek migrate --no-input
	$(BIN)/medtek demo-data --if-empty
	$(BIN)/medtek collectstatic --no-input --verbosity 0
	$(BIN)/medtek notify check
	@echo
	@echo "  medtek runs at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: demo): mt-admin, mt-tech, auditor, finance,"
	@echo "    berg, bracke, harjedalen, krokom, ragunda, stromsund, are, ostersund,"
	@echo "    mth, mth-tech, hmc, forskrivare, halland-unit  (who sees what: README, Demo logins)"
	@echo "  Mail is not sent: MT admin reads it on the Utkorg page (/notifications/outbox/)."
	@echo
	export EMAIL_BACKEND=medtek.notifications.mail.OutboxBackend MEDTEK_BASE_URL=http://$(HOST):$(PORT); \
	$(BIN)/medtek worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/gunicorn -c python:medtek.config.gunicorn medtek.config.wsgi:application \
		--bind $(HOST):$(PORT) --workers $(DEMO_WORKERS) --access-logfile -

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: dev
	$(BIN)/mypy src

check: dev
	DJANGO_SETTINGS_MODULE=medtek.config.settings.test $(BIN)/medtek check
	DJANGO_SETTINGS_MODULE=medtek.config.settings.test $(BIN)/medtek makemigrations --check --dry-run

pytest: dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

## test: lint, types, Django checks and the whole suite (DATABASE_URL=postgres://... for PostgreSQL)
test: lint typecheck check pytest

## bench: the benchmark (see docs/benchmarks.md); BENCH_ARGS="--devices 200000"
bench: dev
	$(BIN)/python -m bench $(BENCH_ARGS)

messages: dev
	cd src/medtek && ../../$(BIN)/medtek compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
