# The two commands: `make run` (the main job on the embedded default) and `make test`.
# Both install what they need: uv, then the locked environment. uv goes to ~/.local/bin
# (pip --user), which a new shell may not have on its PATH, so the README calls the
# environment's own programs: .venv/bin/pliktvakt, .venv/bin/alembic, .venv/bin/prefect.
# `make test-ops` runs the slow operational tests (tests/ops); CI runs both test targets.

UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

.PHONY: run test test-ops setup lint format

$(UV):
	python3 -m pip install --user --quiet uv || python3 -m pip install --user --quiet --break-system-packages uv

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@
	@echo "Miljøet er klart: .venv/bin/pliktvakt --help (virker i ethvert skall, uten uv på PATH)."

# `make run`'s Prefect server creates its database on its first start (the migrations took 7
# to 15 s of that start on 2 cores, issue 31): the set-up makes it, with the same settings, and
# upgrades it again after every sync (a new Prefect may bring migrations). The tests have
# servers of their own and need only the environment.
PREFECT_DB := data/prefect/prefect.db

$(PREFECT_DB): .venv/.synced
	$(UV) run python -m deployments.local_server
	@test ! -f $@ || touch $@

setup: .venv/.synced $(PREFECT_DB)

run: setup
	$(UV) run python -m deployments.run_local

# Every core (pytest-xdist), each worker with its own Prefect server, ports and databases;
# the 25 slowest tests are listed at the end, so a slow one shows itself.
PYTEST_WORKERS ?= auto

test: .venv/.synced
	$(UV) run pytest -n $(PYTEST_WORKERS) --dist loadgroup --ignore=tests/ops --durations=25

# `make run` in a fresh clone, signals, the production profile and the browser checks.
test-ops: .venv/.synced
	$(UV) run pytest tests/ops --durations=25


# ruff's linter and formatter, the import direction (import-linter) and the declared
# dependencies (deptry), all configured in pyproject.toml; CI fails when any complains.
lint: .venv/.synced
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports --no-cache
	$(UV) run deptry .

# Fix what can be fixed by machine: import order, then layout.
format: .venv/.synced
	$(UV) run ruff check --select I --fix .
	$(UV) run ruff format .
