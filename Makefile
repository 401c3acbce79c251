# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: setup demo test soak lint bench bench-quick

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/learner-wallet demo

test: setup
	@bash scripts/setup-e2e.sh
	@bash scripts/setup-credo.sh
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy agent config wallet protocols ui demo bench
	.venv/bin/pytest -q -n 2 --dist loadgroup

# Crash soak (issue #15): 50 random kills while credentials are issued; never in `make test`.
# SOAK_CYCLES=5 make soak for a short run.
soak: setup
	.venv/bin/pytest -m slow -q -s

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# Benchmarks: never part of `make test` or CI. See docs/performance.md.
bench: setup
	.venv/bin/python -m pip install --quiet -e ".[dev,bench]" 2>&1 | grep -v "^WARNING: Location" || true
	.venv/bin/python -m bench

bench-quick: setup
	.venv/bin/python -m pip install --quiet -e ".[dev,bench]" 2>&1 | grep -v "^WARNING: Location" || true
	.venv/bin/python -m bench --quick
