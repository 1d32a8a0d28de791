# Two commands do everything on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# axe-core and the pinned credential verifiers of the interop tests, as package.json and its lock file say.
node_modules/.package-lock.json: package.json package-lock.json
	npm install --no-audit --no-fund --silent
	touch $@

node_modules/axe-core/axe.min.js: node_modules/.package-lock.json

run: $(STAMP)
	$(BIN)/academy demo
	$(BIN)/academy run --host 127.0.0.1 --port 5000

# One pytest worker per CPU (pytest-xdist); `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= auto

test: $(STAMP) node_modules/.package-lock.json node_modules/axe-core/axe.min.js
	$(BIN)/pytest -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check academy tests bench

# Short runs of every benchmark; `make bench BENCH_ARGS=--full` for each one's own (longer) settings.
bench: $(STAMP)
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules
