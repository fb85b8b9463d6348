"""Rows for COPY, with ids from the tables' own sequences; synthetic identity numbers."""

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, models

from cases.identity import _K1_WEIGHTS, _K2_WEIGHTS


def synthetic_identity_number(rng: random.Random, born: date) -> str:
    """A Tenor-style synthetic number (month + 80) with valid check digits."""
    while True:
        head = f"{born.day:02d}{born.month + 80:02d}{born.year % 100:02d}{rng.randrange(1000):03d}"
        digits = [int(c) for c in head]
        k1 = (11 - sum(w * d for w, d in zip(_K1_WEIGHTS, digits, strict=True)) % 11) % 11
        if k1 == 10:
            continue
        digits.append(k1)
        k2 = (11 - sum(w * d for w, d in zip(_K2_WEIGHTS, digits, strict=True)) % 11) % 11
        if k2 == 10:
            continue
        return head + f"{k1}{k2}"


@dataclass
class _Table:
    """Rows for one table, with ids taken from its sequence."""

    model: type[models.Model] | None
    db_table: str
    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    next_id: int = 0


class _Writer:
    def __init__(self):
        self.tables: dict[str, _Table] = {}

    def table(self, model: type[models.Model]) -> _Table:
        name = model._meta.db_table
        if name not in self.tables:
            columns = [f.column for f in model._meta.concrete_fields]
            self.tables[name] = _Table(model, name, columns, next_id=_next_id(name))
        return self.tables[name]

    def through(self, model: type[models.Model], name: str) -> _Table:
        through = model._meta.get_field(name).remote_field.through
        return self.table(through)

    def add(self, model: type[models.Model], **values) -> int:
        """Add a row; fields not given get their model default (or NULL). Returns its id."""
        table = self.table(model)
        row_id = table.next_id
        table.next_id += 1
        values["id"] = row_id
        table.rows.append(tuple(_value(f, values) for f in model._meta.concrete_fields))
        return row_id

    def link(self, model: type[models.Model], name: str, owner_id: int, target_ids: Iterable[int]):
        """Rows of a many-to-many table: (id, owner, target), in the through model's order."""
        table = self.through(model, name)
        for target in target_ids:
            table.rows.append((table.next_id, owner_id, target))
            table.next_id += 1

    def flush(self) -> dict[str, int]:
        """COPY every table's rows, in the order the tables were first used (parents first)."""
        counts = {}
        raw = connection.connection
        with raw.cursor() as cursor:
            for table in self.tables.values():
                if not table.rows:
                    continue
                columns = ", ".join(f'"{c}"' for c in table.columns)
                with cursor.copy(f'COPY "{table.db_table}" ({columns}) FROM STDIN') as copy:
                    for row in table.rows:
                        copy.write_row(row)
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [table.db_table, table.next_id - 1],
                )
                counts[table.db_table] = len(table.rows)
                table.rows.clear()
        return counts


def _next_id(db_table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{db_table}"')  # noqa: S608
        return cursor.fetchone()[0]


def _value(field: models.Field, values: dict):
    if field.attname in values:
        return values[field.attname]
    if field.name in values:
        return values[field.name]
    if field.has_default():
        return field.get_default()
    return None if field.null else ""
