"""SQL the ORM would compile anew on every request, compiled once and kept as RawSQL.

Compiling a subquery with a JSON object of every field costs the ORM milliseconds each time,
though its SQL is the same for every row it is asked about (it refers to the outer row).
`compiled_once` compiles such annotations once per `key`, `compiled_condition` a queryset's
WHERE for the caller to keep; both hand back RawSQL with the parameters kept apart, for a
query on the same model's table at the top level (its table by its own name, never inside
another query, where Django would rename it)."""

import functools
from collections.abc import Callable

from django.db import connection
from django.db.models import BooleanField
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
        compiled.append((name, _raw(sql, params, annotation.output_field)))
    return tuple(compiled)


def compiled_condition(queryset) -> RawSQL:
    """The WHERE of `queryset` as a boolean expression, to filter another query with."""
    query = queryset.query
    sql, params = query.where.as_sql(query.get_compiler("default"), connection)
    return _raw(sql, params, BooleanField())


def _raw(sql: str, params, output_field) -> RawSQL:
    # The ORM's own SQL for our querysets, with its parameters apart.
    return RawSQL(sql, tuple(params), output_field=output_field)  # noqa: S611
