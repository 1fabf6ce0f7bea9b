# LeadHarvest ingest. `make demo` runs the main job on the local stack; `make test` runs every tier.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST := $(PY) -m pytest
CORPUS ?= ../shared/corpus

.PHONY: help venv api-spec bundle deploy test test-unit test-integration test-e2e lint demo score-parse bench bench-parse clean

help:
	@echo "make demo | test | test-unit | test-integration | test-e2e | lint | score-parse | bench-parse | bench"

venv: $(STAMP)
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

# pytest exits 5 when a tier collects no test; that is a pass for an empty tier only.
define run_tier
	@$(PYTEST) $(1) $(2); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests in $(1)"; rc=0; fi; exit $$rc
endef

test: test-unit test-integration test-e2e

test-unit: $(STAMP)
	$(call run_tier,tests/unit,)

test-integration: $(STAMP)
	$(call run_tier,tests/integration,)

test-e2e: $(STAMP)
	$(call run_tier,tests/e2e,)

LINT_DIRS := $(wildcard shared functions infra tests)

lint: $(STAMP)
	$(PY) -m ruff check $(LINT_DIRS)
	$(PY) -m ruff format --check $(LINT_DIRS)
	$(PY) -m mypy shared

demo: $(STAMP)
	$(PY) -m infra.local.demo

score-parse: $(STAMP)
	@mkdir -p build
	$(PY) -m shared.parsing $(CORPUS)/dev/*.eml > build/parse-dev.jsonl
	$(PY) $(CORPUS)/score.py $(CORPUS)/dev build/parse-dev.jsonl

bench-parse: $(STAMP)
	$(PY) -m tests.bench.parse_bench

bench: bench-parse $(STAMP)
	$(PY) -m tests.bench.pipeline_bench

api-spec: $(STAMP)
	@mkdir -p build
	$(PY) -c "import json; from shared.services.api.openapi import document; print(json.dumps(document(), indent=2))" > build/openapi.json
	@echo "build/openapi.json written"

bundle: $(STAMP)
	$(PY) -m infra.bundle build

TFVARS ?= infra/terraform/terraform.tfvars
deploy: bundle
	@test -f $(TFVARS) || { echo "create $(TFVARS) from infra/terraform/terraform.tfvars.example"; exit 1; }
	cd infra/terraform && terraform init -input=false && \
	  terraform apply -input=false -var-file=$(abspath $(TFVARS)) -var bundle_root=$(abspath build)

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
