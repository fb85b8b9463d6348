"""The cases written by several processes at once: at national size the generating (Python)
and the writing (PostgreSQL) then keep both cores busy instead of taking turns."""

import multiprocessing
import random

from django.db import connection, connections, transaction

from .writer import _Writer

# What the forked workers read (set just before the fork; a fork shares it without copying).
_shared: dict = {}


def in_parallel(writer: _Writer, seed: int, areas, permission_id, cases, now, workers) -> dict:
    """`cases` split over `workers` processes, each with its own random stream (seed, worker)
    and every `workers`-th id of each table, committing its own transaction. The tables'
    sequences are set past the highest id after."""
    tables = _tables()
    base = writer.next_ids(tables)
    _shared.update(
        writer=writer, seed=seed, areas=areas, permission_id=permission_id, now=now, base=base
    )
    shares = [cases // workers + (w < cases % workers) for w in range(workers)]
    connections.close_all()  # each worker opens its own
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.starmap(_work, [(w, workers, n) for w, n in enumerate(shares)])
    counts: dict[str, int] = {}
    for result in results:
        for name, n in result.items():
            counts[name] = counts.get(name, 0) + n
    with connection.cursor() as cursor:
        for table in counts:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))",  # noqa: S608
                [table],
            )
    return counts


def _work(worker: int, workers: int, n: int) -> dict:
    from .generate import bulk_load, cases_in_batches

    s = _shared
    writer = s["writer"].for_worker(worker, workers, s["base"])
    rng = random.Random(s["seed"] * 1000 + worker + 1)  # noqa: S311 - made-up data
    try:
        with transaction.atomic():
            bulk_load()
            return cases_in_batches(writer, rng, s["areas"], s["permission_id"], n, s["now"])
    finally:
        connections.close_all()


def _tables() -> list[str]:
    """The tables a case's rows go to (with an id of their own)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name FROM information_schema.columns c"
            " WHERE c.table_schema = 'public' AND c.column_name = 'id'"
            " AND (c.table_name LIKE 'cases\\_%%' OR c.table_name LIKE 'familiehjelpa\\_%%')"
        )
        return [name for (name,) in cursor.fetchall()]
