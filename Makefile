# Mặt Trận Số Analytics — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
HOST ?= 127.0.0.1
FRONT_DATA_DIR ?= $(CURDIR)/data
export FRONT_DATA_DIR
DEMO_SIZE ?= medium

.DEFAULT_GOAL := help

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## Create .venv and install dependencies

demo: install ## Generate demo raw exports (DEMO_SIZE=small|medium|full) and load them
	@umask 077; if [ -z "$$($(PY) -c 'import config; print(config.current_warehouse() or "")')" ]; then \
		rm -rf "$(FRONT_DATA_DIR)/raw" && \
		$(PY) -m etl demo --size $(DEMO_SIZE) --out "$(FRONT_DATA_DIR)/raw" && \
		$(PY) -m etl load "$(FRONT_DATA_DIR)/raw"; \
		code=$$?; if [ $$code -gt 1 ]; then exit $$code; fi; \
		$(PY) -m etl train-classifier; \
	else echo "Kho dữ liệu đã có (warehouse exists): $$($(PY) -c 'import config; print(config.current_warehouse())')"; fi

run: demo ## Demo on synthetic data: load it if no warehouse exists, start the watcher and the app on 127.0.0.1 (HOST=0.0.0.0 to share)
	@umask 077; mkdir -p "$(FRONT_DATA_DIR)/inbox"
	@umask 077; export FRONT_DEMO=1; \
	$(PY) -m etl watch "$(FRONT_DATA_DIR)/inbox" & watcher=$$!; \
	trap "kill $$watcher 2>/dev/null" EXIT INT TERM; \
	$(VENV)/bin/streamlit run app.py --server.address $(HOST) --server.port $(PORT) --server.headless true

test: install ## Run every test (unit, page, browser)
	$(PY) -m pytest -q

lint: install ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install ## Measure loader and Overview speed; writes docs/benchmarks.md
	$(PY) -m bench

clean-data: ## Delete generated data (warehouse, archive, raw, inbox) under FRONT_DATA_DIR
	rm -rf "$(FRONT_DATA_DIR)"/{warehouse,archive,raw,inbox,processed,.pii_key}

.PHONY: help install demo run test lint bench clean-data
