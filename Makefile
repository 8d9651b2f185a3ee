# Quarantine Desk: set-up, run, test, bundle. Each target sets up what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint forms translations bundle bundle-smoke benchmark clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bundle]'
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/python scripts/build_translations.py

## Compile the Qt Designer forms (forms/*.ui) into quarantine_desk/ui/forms_compiled/.
forms: $(STAMP)
	$(BIN)/python scripts/build_forms.py

## Set up and open the window on the embedded SQLite database.
run: $(STAMP) forms translations
	$(BIN)/quarantine-desk

## Set up and run every test (SQLite and PostgreSQL), then the linters.
test: $(STAMP) forms translations
	$(BIN)/python -m pytest -q -p no:cacheprovider
	$(BIN)/ruff check quarantine_desk tests scripts
	$(BIN)/mypy

lint: $(STAMP) forms
	$(BIN)/ruff check quarantine_desk tests scripts
	$(BIN)/mypy

## A one-folder program under dist/quarantine-desk (PyInstaller).
bundle: $(STAMP) forms translations
	$(BIN)/pyinstaller --noconfirm --clean build.spec

## Build, then run the built program headless: commands, exports, the window (scripts/bundle_smoke.py).
bundle-smoke: bundle
	$(BIN)/python scripts/bundle_smoke.py

## The province benchmark (BENCHMARKS.md); e.g. make benchmark BENCH_ARGS="--people 50000 --db postgresql://..."
benchmark: $(STAMP)
	$(BIN)/python -m quarantine_desk.bench $(BENCH_ARGS)

clean:
	rm -rf build dist $(VENV)
