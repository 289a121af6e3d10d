# Talkworthy - every command a newcomer needs. `make run` and `make test` install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
# The Lambda runtime targeted by `make build` / `make deploy`; sam build needs that Python on PATH.
PY_RUNTIME ?= python3.13

.PHONY: help run demo test test-unit test-functional test-e2e lint schemas bench bench-load reliability bench-crisis eval train-intent build deploy clean

help:
	@echo "make run     - the whole mesh locally on the embedded AWS (Ctrl-C stops it)"
	@echo "make test    - unit, functional (moto) and end-to-end tests"
	@echo "make test-unit | test-functional | test-e2e - one tier of them"
	@echo "make demo    - start the mesh, send the signed demo deliveries, print the effects"
	@echo "make lint    - ruff, mypy, cfn-lint on the SAM-translated template"
	@echo "make schemas - export the event catalog's JSON Schemas to events/schemas/"
	@echo "make bench   - benchmarks; figures printed and written to bench-results.json"
	@echo "make bench-load - N signed mentions through the local mesh (MENTIONS=1000 CONCURRENCY=8 PROBE=100 DRAIN=600)"
	@echo "make reliability - DELIVERIES (10000) deliveries sent twice through the local mesh with faults on; losses, duplicates, redrive, logs (FAULTS=infra/local/faults.example.yaml)"
	@echo "make bench-crisis - a public crisis through the local mesh (PER_MINUTE=500 MINUTES=2 BUCKET=20)"
	@echo "make eval    - intent quality: cue rules and the packaged model on both blind sets"
	@echo "make train-intent - train a new intent model (MESH_TABLE=... adds corrections and publishes)"
	@echo "make deploy  - sam build + sam deploy (guided the first time)"

$(STAMP): requirements/*.txt shared/requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip<26.3"  # chalice 1.34 asks for pip < 26.3
	$(VENV)/bin/pip install --quiet -r requirements/dev.txt -c requirements/constraints.txt
	$(PY) -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "talkworthy-dev.pth").write_text("$(CURDIR)/shared\n$(CURDIR)\n")'
	printf '#!%s\nfrom infra.cli.app import main\nmain()\n' "$(CURDIR)/$(PY)" > $(VENV)/bin/talkworthy && chmod +x $(VENV)/bin/talkworthy
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m infra.local run

demo: $(STAMP)
	$(PY) -m infra.local demo

# Browser tests need Debian's chromium (apt-get install chromium). CI always runs them; without
# chromium, a newcomer's `make test` runs every other tier and says how to get them.
test: $(STAMP)
	@if [ -x /usr/bin/chromium ] || [ -n "$$CI" ]; then \
		$(PY) -m pytest -n 2 --dist loadfile tests; \
	else \
		echo "make test: /usr/bin/chromium not found, skipping the browser tests (sudo apt-get install chromium)"; \
		$(PY) -m pytest -n 2 --dist loadfile -m "not browser" tests; \
	fi

test-unit: $(STAMP)
	$(PY) -m pytest -n 2 tests/unit

test-functional: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile tests/functional

test-e2e: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile -m e2e tests

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m infra.lint_template

schemas: $(STAMP)
	$(PY) -m infra.schemas export

bench: $(STAMP)
	$(PY) -m infra.bench

MENTIONS ?= 1000
CONCURRENCY ?= 8
PROBE ?= 100
DRAIN ?= 600
bench-load: $(STAMP)
	$(PY) -m infra.bench_load --mentions $(MENTIONS) --concurrency $(CONCURRENCY) --probe $(PROBE) --drain-timeout $(DRAIN)

DELIVERIES ?= 10000
FAULTS ?= infra/local/faults.example.yaml
reliability: $(STAMP)
	$(PY) -m infra.reliability --deliveries $(DELIVERIES) --concurrency $(CONCURRENCY) --faults $(FAULTS)

PER_MINUTE ?= 500
MINUTES ?= 2
BUCKET ?= 20
bench-crisis: $(STAMP)
	$(PY) -m infra.bench_crisis --per-minute $(PER_MINUTE) --minutes $(MINUTES) --bucket $(BUCKET)

eval: $(STAMP)
	$(PY) -m infra.intent eval $(if $(MESH_TABLE),--table $(MESH_TABLE))

# Refuses (exit 1) to write or publish a version worse than the one in force on either blind set.
train-intent: $(STAMP)
	$(PY) -m infra.intent train $(if $(MESH_TABLE),--table $(MESH_TABLE))

$(SAM): 
	test -d $(SAM_VENV) || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet aws-sam-cli==1.170.0

build: $(SAM)
	PYENV_VERSION=$$(pyenv version-name 2>/dev/null):$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[23]\.' | tr '\n' ':') $(SAM) build \
		--build-in-source --parameter-overrides PyRuntime=$(PY_RUNTIME)

deploy: build
	@if [ -f samconfig.toml ]; then $(SAM) deploy; else $(SAM) deploy --guided; fi

# Used by `sam build` for the ingress (BuildMethod: makefile): only the Chalice app ships.
build-IngressFunction:
	cp app.py "$(ARTIFACTS_DIR)/"
	cp -r chalicelib "$(ARTIFACTS_DIR)/"
	$(PYTHON) -m pip install --quiet --platform manylinux2014_aarch64 --implementation cp \
		--python-version $(subst python,,$(PY_RUNTIME)) --only-binary=:all: \
		-r requirements/ingress.txt -t "$(ARTIFACTS_DIR)"

clean:
	rm -rf .aws-sam build .pytest_cache .mypy_cache .ruff_cache bench-results.json
