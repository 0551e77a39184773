# Two set-up commands on a fresh machine: `make audit` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
TSTAMP  = $(VENV)/.installed-test
DSTAMP  = $(VENV)/.installed-docs

.PHONY: audit test docs install clean lint bench

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

$(DSTAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[docs]'
	touch $@

## make docs: build the documentation site into site/ (fails on any warning)
docs: $(DSTAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) build site *.egg-info reports/*.json reports/*.html reports/articles reports/clusters .pytest_cache
