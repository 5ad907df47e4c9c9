# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    set up and start the app on SQLite, print how to log in
#   make test   set up and run the whole suite (browser tests included)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := facilitator

.PHONY: run test lint translations extract-messages setup clean bench bench-load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -d facilitator/translations

setup: $(VENV)/.runtime translations
	$(BIN)/flask db upgrade

run: setup
	@$(BIN)/flask ensure-moderator
	PORT=$(PORT) $(BIN)/python wsgi.py

test: $(VENV)/.dev translations
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# After changing user-facing text: refresh the catalogues, then translate the new entries.
extract-messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o facilitator/translations/messages.pot .
	$(BIN)/pybabel update -i facilitator/translations/messages.pot -d facilitator/translations --no-fuzzy-matching --ignore-obsolete

bench: $(VENV)/.dev
	$(BIN)/python bench/page_weight.py
	$(BIN)/python bench/assignment.py
	$(BIN)/python bench/themes.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/synthesis_page.py

# Phones over real sockets against the app and the bare Flask-SocketIO server, every server
# mode, 100 to 2,000 phones: about an hour on two cores. Results: instance/load-results.jsonl.
bench-load: $(VENV)/.dev translations
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
