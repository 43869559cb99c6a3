# Songtan: `make run` starts the whole demo, `make test` runs the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app charity
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
LOCALSTRIPE_PORT ?= 8420
# `make run` and `make test` may use the development secrets; any other start is production.
export SONGTAN_ENV ?= development

.PHONY: run test lint translations install db demo serve clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(VENV)/bin/pybabel -q compile -d charity/translations
	$(VENV)/bin/pybabel -q compile -D flask_security -d charity/translations

db: install translations
	mkdir -p instance
	$(FLASK) db upgrade head

demo: db
	$(FLASK) demo load

serve:
	$(PY) -m charity.serve --host $(HOST) --port $(PORT) --localstripe-port $(LOCALSTRIPE_PORT)

run: demo serve

test: install translations
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache
