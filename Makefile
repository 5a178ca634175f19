# Two commands do all the set-up on a fresh machine: `make scan` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
REPO ?= .
FORMAT ?= table
STAMP := $(VENV)/.installed

.PHONY: scan test install docs benchmark benchmark-history benchmark-platform clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the packaging metadata changes; the install is editable.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

scan: $(STAMP)
	$(BIN)/devops-scan scan "$(REPO)" --format $(FORMAT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/python -m devops_scan.docgen docs/reference

benchmark: $(STAMP)
	$(BIN)/python benchmarks/scan_vs_git.py $(BENCH_ARGS)

benchmark-history: $(STAMP)
	$(BIN)/python benchmarks/history_vs_git.py $(BENCH_ARGS)

benchmark-platform: $(STAMP)
	$(BIN)/python benchmarks/platform_requests.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
