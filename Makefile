# LeadHarvest ingest. `make demo` runs the main job on the local stack; `make test` runs every tier.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST := $(PY) -m pytest
GOLDEN := tests/fixtures/emails
SCORE ?= dev
SCORER := tests/tools/score.py

.PHONY: help doctor venv lock migrate corrections api-spec clients stack token bundle deploy deploy-check preflight checkov browser test test-unit test-integration test-e2e lint demo score-parse golden-update bench bench-parse bench-cost bench-memory clean

help:
	@echo "make doctor | demo [KEEP=1] | stack | token | clients | test | test-unit | test-integration | test-e2e | lint | score-parse | bench-parse | bench | deploy-check | deploy"

venv: $(STAMP)
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

# pytest exits 5 when a tier collects no test; that is a pass for an empty tier only.
define run_tier
	@$(PYTEST) $(1) $(2); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests in $(1)"; rc=0; fi; exit $$rc
endef

# Every prerequisite, named with how to install it when missing (infra/doctor.py): stdlib
# only, so it runs before the venv exists.
doctor:
	@$(PYTHON) -m infra.doctor

test: doctor test-unit test-integration test-e2e

test-unit: $(STAMP)
	$(call run_tier,tests/unit,)

test-integration: $(STAMP)
	$(call run_tier,tests/integration,)

test-e2e: $(STAMP) browser clients
	$(call run_tier,tests/e2e,)

# Headless Chromium for the browser e2e test: Debian's chromium and chromium-driver.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@chromium --version 2>/dev/null

LINT_DIRS := $(wildcard shared functions infra tests)

lint: $(STAMP) checkov clients
	$(PY) -m ruff check $(LINT_DIRS)
	$(PY) -m ruff format --check $(LINT_DIRS)
	$(PY) -m mypy shared functions infra tests
	$(CHECKOV)

demo: doctor $(STAMP)
	KEEP=$(KEEP) $(PY) -m infra.local.demo

# The local stack for a frontend developer, until Ctrl-C (infra/local/dev_stack.py):
# FRONTEND_URL=http://localhost:5173/ is where Google's consent returns; SEED=0: no mailbox.
stack: $(STAMP)
	$(PY) -m infra.local.dev_stack

token: $(STAMP)
	@$(PY) -m infra.local.dev_stack token

# SCORE=dev|real|world|heldout…: one corpus of the golden files, gathered from their source
# folders (the scorer reads one folder); SCORE=<a folder of .eml + .json>: that folder.
score-parse: $(STAMP)
	@rm -rf build/score && mkdir -p build/score
	@if [ -d "$(SCORE)" ]; then ln -s "$(abspath $(SCORE))"/*.eml "$(abspath $(SCORE))"/*.json build/score/; \
	else ln -s "$(CURDIR)/$(GOLDEN)"/*/"$(SCORE)"-*.eml "$(CURDIR)/$(GOLDEN)"/*/"$(SCORE)"-*.json build/score/; fi
	$(PY) -m shared.parsing build/score/*.eml > build/parse-score.jsonl
	$(PY) $(SCORER) build/score build/parse-score.jsonl
	@echo; echo "On mail it was not shaped on (every golden email perturbed; each family left out):"
	@$(PY) -m tests.tools.perturb

# Write the parser's full record into every golden .json (NAMES=a b: only those; MISSING=1:
# only keys a file lacks), then review `git diff tests/fixtures/emails` (tests/tools/golden_update.py).
golden-update: $(STAMP)
	$(PY) -m tests.tools.golden_update $(if $(MISSING),--missing) $(NAMES)

bench-parse: $(STAMP)
	$(PY) -m tests.bench.parse_bench

bench: bench-parse $(STAMP)
	$(PY) -m tests.bench.cold_import
	$(PY) -m tests.bench.pipeline_bench
	$(PY) -m tests.bench.memory
	$(PY) -m tests.bench.cost

# Peak memory of one process_emails process holding 16 chunks of the largest emails allowed.
bench-memory: $(STAMP)
	$(PY) -m tests.bench.memory

# The bill and the scale model from counted operations (tests/bench/cost.py, prices.json)
bench-cost: $(STAMP)
	$(PY) -m tests.bench.cost

# Emails a person corrected, anonymised, as fixture candidates (infra/corrections.py).
corrections: $(STAMP)
	$(PY) -m infra.corrections --out $(or $(OUT),build/corrections)

# One-off: data written before leads had owners becomes owner-scoped (infra/migrate_owners.py).
migrate: $(STAMP)
	$(PY) -m infra.migrate_owners

# Clients generated from the document by tools nobody here wrote (clients/check.sh): fails on
# a generator warning, a tsc error or a Redocly problem. The e2e tier drives the Python one.
CLIENTS_STAMP := clients/node_modules/.installed
$(CLIENTS_STAMP): clients/package.json clients/package-lock.json
	cd clients && npm ci --no-audit --no-fund --silent
	@touch $@

clients: api-spec $(CLIENTS_STAMP)
	clients/check.sh build/openapi.json build/clients $(PY)

api-spec: $(STAMP)
	@mkdir -p build
	$(PY) -c "import json; from shared.api.app import document; print(json.dumps(document(), indent=2))" > build/openapi.json
	@echo "build/openapi.json written"

bundle: $(STAMP)
	$(PY) -m infra.bundle build

# A deploy rehearsal without Google: formatting, the consistency and deploy rules (each shown
# biting on a mutated copy), and Checkov (its own pinned venv).
deploy-check: $(STAMP) checkov
	terraform fmt -check -recursive infra/terraform
	$(PY) -m infra.deploy_check
	$(PY) -m infra.deploy_check --mutations
	$(PYTEST) -q tests/unit/infra
	$(CHECKOV)

CHECKOV_VENV := build/checkov-venv
# Checkov: static analysis of the Terraform (offline); every skip is inline with its reason.
CHECKOV = $(CHECKOV_VENV)/bin/checkov -d infra/terraform --framework terraform --compact --quiet --skip-download
checkov: $(CHECKOV_VENV)/.installed
$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@touch $@

TFVARS ?= infra/terraform/terraform.tfvars
preflight: $(STAMP)
	@test -f $(TFVARS) || { echo "create $(TFVARS) from infra/terraform/terraform.tfvars.example"; exit 1; }
	$(PY) -m infra.deploy_check.preflight $(TFVARS)

deploy: deploy-check preflight bundle
	cd infra/terraform && terraform init -input=false && \
	  terraform apply -input=false -var-file=$(abspath $(TFVARS)) -var bundle_root=$(abspath build)

lock:  ## requirements.txt = requirements.in with every transitive pin (fresh venv, pip freeze)
	rm -rf build/lock-venv && $(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet --disable-pip-version-check -r requirements.in
	{ echo "# Generated by \`make lock\` from requirements.in: every runtime package, exactly pinned."; \
	  build/lock-venv/bin/pip freeze --exclude-editable; } > requirements.txt
	rm -rf build/lock-venv

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
