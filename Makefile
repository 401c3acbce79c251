# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: setup demo test lint

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/learner-wallet demo

test: setup
	@bash scripts/setup-e2e.sh
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/pytest -q

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
