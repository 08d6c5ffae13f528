# Denkna: `make run` and `make test` are all a newcomer needs; both set up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Which torch build to install first. This machine has the CPU build of 2.13.0 on disk;
# a deployment may pick another (e.g. TORCH_SPEC="torch==2.13.0 --index-url ...").
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.denkna-setup

.PHONY: setup run test bench lint fuzz demo clean system-deps postgres npm-deps

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(TORCH_SPEC)
	$(PIP) install -q -e '.[test,detoxify]'
	@touch $(STAMP)

setup: $(STAMP)

# Debian packages the browser tests need (chromium) and the PostgreSQL server being up.
system-deps:
	@bash .ci/system-deps

# npm tools of the browser tests, exact versions from the committed package-lock.json: web-ext
# (the Firefox lint), esbuild and the editor libraries whose pages the tests type into.
NPM_DIR := tests/browser/editors
NPM_STAMP := $(NPM_DIR)/node_modules/.denkna-npm-ci
$(NPM_STAMP): $(NPM_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20+) is needed for the browser tests"; exit 1; }
	cd $(NPM_DIR) && npm ci --prefer-offline --no-audit --no-fund
	@touch $@
$(NPM_DIR)/dist/pages.json: $(NPM_STAMP) $(NPM_DIR)/build.mjs $(wildcard $(NPM_DIR)/src/*)
	cd $(NPM_DIR) && node build.mjs
npm-deps: $(NPM_DIR)/dist/pages.json

run: setup
	$(VENV)/bin/denkna run

demo: setup
	$(VENV)/bin/denkna demo

test: setup system-deps npm-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

bench: setup
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

fuzz: setup
	$(VENV)/bin/pytest -q tests/server/test_fuzz_api.py

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var/ .pytest_cache $(NPM_DIR)/node_modules $(NPM_DIR)/dist
