"""Benchmarks of the learner's wallet against bare ACA-Py: run with `python -m bench`.

Never part of `make test` or CI: speed is measured here, on real peers, never in timed tests.
"""
