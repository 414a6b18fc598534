"""Benchmarks at full scale: `make bench` (python -m bench --help).

Builds (or reuses) a synthetic data set of N people with seed_demo's generator
in a database outside the repository (data/bench/, git-ignored; PostgreSQL
database crm_bench_<N>), then runs each operation of the performance targets
several times after a warm-up, in process, through Django's test client or
the functions the views call. Prints median and worst time, query count and
peak Python memory per operation, and the ratios the targets name, and writes
the same table to bench/results/<database>-<N>.json.
"""
