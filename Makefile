# PhotoShare: `make up` deploys to the local cloud, `make test` runs every check.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
PYTHON := $(VENV)/bin/python

# Test suites, fastest first. Each runs on its own, so an empty suite fails
# (pytest exits 5) instead of passing silently.
SUITES := localcloud docs lambda app infra webhost e2e
# `make test` runs these lanes side by side (scripts/test-suites.sh): the
# infra suite, the longest, beside the rest. webhost and e2e share the local
# cloud's web host, so they stay in one lane.
TEST_LANES := lint,infra localcloud,docs,lambda,app,webhost,e2e

# The Lambda package's target: runtime python3.12 or newer, architecture x86_64 or arm64.
LAMBDA_RUNTIME ?= python3.13
LAMBDA_ARCH ?= x86_64

.PHONY: help setup up down status lint test $(addprefix test-,$(SUITES)) lambda diagram bench lock clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## Install and start what everything else needs (idempotent)
	@scripts/setup.sh

up: setup lambda ## Build the Lambda, start the local cloud and deploy PhotoShare to it with site.yml
	@$(PYTHON) -m devtools.localcloud up
	ansible-playbook -i inventories/local site.yml
	@echo "==> The local cloud:"
	@$(PYTHON) -m devtools.localcloud status
	@echo "==> PhotoShare is up: $$($(PYTHON) -m devtools.localcloud app-url)"
	@echo "    Stop and remove everything with: make down"

down: ## Stop and remove everything `make up` started
	@$(PYTHON) -m devtools.localcloud down

status: ## Show what of the local cloud runs
	@$(PYTHON) -m devtools.localcloud status

lint: setup ## ruff, yamllint, ansible-lint --profile production, and no certificate check switched off
	scripts/checks-off.sh
	ruff check .
	ruff format --check .
	yamllint --strict .
	ansible-lint --profile production

test: setup ## Lint and every test suite, in lanes side by side; prints each suite's time
	@scripts/test-suites.sh $(TEST_LANES)

$(addprefix test-,$(SUITES)): test-%: setup ## Run one suite, e.g. make test-app
	pytest tests/$*

lambda: setup ## Build dist/photoshare-processor.zip and the local runtime image (if its inputs changed)
	$(PYTHON) lambda/build.py zip --runtime $(LAMBDA_RUNTIME) --arch $(LAMBDA_ARCH) --output dist/photoshare-processor.zip
	$(PYTHON) lambda/build.py image

diagram: setup ## Redraw docs/architecture.png from docs/architecture.py
	$(PYTHON) docs/architecture.py

bench: ## Run every bench/bench_*.py (all of them, then fail if one missed its target); results in bench/results/
	@scripts/setup.sh bench
	@$(PYTHON) -m devtools.localcloud up >/dev/null
	@status=0; for script in bench/bench_*.py; do echo "==> $$script"; $(PYTHON) "$$script" || status=1; done; exit $$status

lock: ## Re-pin the Python dependencies after editing a requirements .in file
	uv pip compile --universal --python-version 3.11 -q app/requirements.in -o app/requirements.txt
	uv pip compile --python-version 3.13 --python-platform x86_64-manylinux_2_28 -q lambda/requirements.in -o lambda/requirements.txt
	uv pip compile --universal --python-version 3.11 -q requirements/dev.in -o requirements/dev.txt
	uv pip compile --python-version 3.13 --python-platform x86_64-manylinux_2_28 -q -c requirements/dev.txt lambda/runtime/requirements.in -o lambda/runtime/requirements.txt

clean: down ## Also delete the local cloud's data and build output
	rm -rf .localcloud dist
