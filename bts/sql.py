"""Annotations compiled to SQL once per process, for the queries every request makes.

Compiling a subquery with a JSON object of every field costs the ORM milliseconds each time,
though its SQL is the same for every row it is asked about (it refers to the outer row).
`compiled_once` compiles such annotations once per `key` and hands them back as RawSQL with
their parameters kept apart, to annotate any query on the same model's table."""

import functools
from collections.abc import Callable

from django.db.models.expressions import RawSQL


@functools.lru_cache(maxsize=64)
def compiled_once(model, build: Callable[[], dict], *key) -> tuple[tuple[str, RawSQL], ...]:
    """(name, SQL) of each annotation `build()` returns, compiled on `model`'s own table: the
    outer row is `model`'s table by its name, as in any query on it that is not a subquery.
    `key` holds what the SQL depends on besides the code (today's date, say)."""
    query = model._default_manager.annotate(**build()).query
    compiler = query.get_compiler("default")
    compiled = []
    for name, annotation in query.annotations.items():
        sql, params = compiler.compile(annotation)
        # The ORM's own SQL for our querysets, with its parameters apart.
        compiled.append((name, RawSQL(sql, params, output_field=annotation.output_field)))  # noqa: S611
    return tuple(compiled)
