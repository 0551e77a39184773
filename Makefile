# Two set-up commands on a fresh machine: `make audit` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
TSTAMP  = $(VENV)/.installed-test

.PHONY: audit test install clean lint bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TSTAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

## make audit: create .venv, install, audit seeds/, write reports/
audit: $(STAMP)
	$(BIN)/auditor audit seeds/ --output reports

## make test: install the test extras and run the whole suite
test: $(TSTAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info reports/*.json reports/*.html reports/articles reports/clusters .pytest_cache
