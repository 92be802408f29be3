# The two commands: `make run` (the main job on the embedded default) and `make test`.
# Both install what they need: uv, then the locked environment.

UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

.PHONY: run test setup lint format

$(UV):
	python3 -m pip install --user --quiet uv || python3 -m pip install --user --quiet --break-system-packages uv

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

setup: .venv/.synced

run: setup
	$(UV) run python -m deployments.run_local

test: setup
	$(UV) run pytest


# ruff's linter and formatter, configured in pyproject.toml; CI fails when either complains.
lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .

# Fix what can be fixed by machine: import order, then layout.
format: setup
	$(UV) run ruff check --select I --fix .
	$(UV) run ruff format .
