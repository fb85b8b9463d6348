"""Synthetic data at municipal and national size, for the benchmark and for trying the pages
with realistic volumes: `manage.py seed_synthetic --cases N [--seed S]`.

Everything is invented: Norwegian-looking names from short lists, synthetic identity numbers
(Skatteetaten's test series, month + 80, with valid check digits, so they can never belong to
a person), services of every kind with their staff, and cases spread over five years with the
distributions a municipality sees: most at nivå 0 and 1, fewer at 2 and 3, most closed, each
with its undring, 10–40 relay-log entries, meetings with minutes, measures with evaluations,
consents with the services they let in, decisions that match the levels, per-case grants.

Rows are written with PostgreSQL's COPY in one transaction (200 000 cases, about seven million
rows, in minutes), with ids taken from the tables' own sequences. The same seed and size give
the same data. The bench accounts (`bench-*`, see BENCH_USERS) have a known password and a known
authenticator key, for a benchmark that logs in like a person.
"""

from .generate import BENCH_PASSWORD, BENCH_TOTP_KEY, BENCH_USERS, seed_synthetic
from .writer import synthetic_identity_number

__all__ = [
    "BENCH_PASSWORD",
    "BENCH_TOTP_KEY",
    "BENCH_USERS",
    "seed_synthetic",
    "synthetic_identity_number",
]
