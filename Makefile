# EduNet Assistant. Two commands on a fresh clone:
#   make run    set everything up (packages, embedding model, starter corpus) and start the app
#   make test   run the whole test suite (what CI runs)
SHELL := /bin/bash
VENV := .venv/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run setup install test lint bench lock

install:
	@scripts/bootstrap.sh

setup: install
	$(VENV)/edunet setup

run: setup
	$(VENV)/edunet serve

test: install
	@scripts/test.sh

# Regenerate requirements.lock from .venv after the whole test suite passes (see scripts/lock.sh).
lock:
	@scripts/lock.sh

lint: install
	$(VENV)/ruff check .

bench: setup
	$(VENV)/python bench/retrieval_xquad.py
