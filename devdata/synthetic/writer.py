"""Rows for COPY, with ids from the tables' own sequences; synthetic identity numbers."""

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.db import connection, models

from bts.isolation import MunicipalityKey
from bts.models import Service
from cases.identity import _K1_WEIGHTS, _K2_WEIGHTS
from cases.models import Child, Consent, Meeting
from familiehjelpa.models import Conversation


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
    link_key: bool = False  # a link table with the key its model does not know


class _Writer:
    """The municipality key of each row (bts.isolation) is written with it, taken from its
    parent as the database's trigger would: the load runs with triggers off where it can."""

    def __init__(self, *, stride: int = 1, offset: int = 0, base: dict[str, int] | None = None):
        self.tables: dict[str, _Table] = {}
        # (parent table, id) -> municipality, for the rows other rows take their key from.
        self.municipality_of: dict[tuple[str, int], int] = {}
        # Several writers at once take every `stride`-th id from a common base (parallel.py).
        self.stride, self.offset, self.base = stride, offset, base or {}

    def next_ids(self, tables: list[str]) -> dict[str, int]:
        return {name: _next_id(name) for name in tables}

    def for_worker(self, worker: int, workers: int, base: dict[str, int]) -> "_Writer":
        """A writer for one of `workers` processes, knowing this one's parents (services)."""
        other = _Writer(stride=workers, offset=worker, base=base)
        other.municipality_of = dict(self.municipality_of)
        return other

    def table(self, model: type[models.Model]) -> _Table:
        name = model._meta.db_table
        if name not in self.tables:
            columns = [f.column for f in model._meta.concrete_fields]
            link_key = model._meta.auto_created and "municipality_id" not in columns
            link_key = link_key and _has_key(name)
            if link_key:
                columns.append("municipality_id")  # the link tables' key is in SQL only
            first = self.base[name] if name in self.base else _next_id(name)
            self.tables[name] = _Table(model, name, columns, next_id=first + self.offset)
            self.tables[name].link_key = link_key
        return self.tables[name]

    def through(self, model: type[models.Model], name: str) -> _Table:
        through = model._meta.get_field(name).remote_field.through
        return self.table(through)

    def add(self, model: type[models.Model], **values) -> int:
        """Add a row; fields not given get their model default (or NULL). Returns its id."""
        table = self.table(model)
        row_id = table.next_id
        table.next_id += self.stride
        values["id"] = row_id
        key = _key(model)
        if key is not None and "municipality_id" not in values:
            parent = model._meta.get_field(key.parent)
            values["municipality_id"] = self.municipality_of[
                (parent.related_model._meta.db_table, values[parent.attname])
            ]
        if model._meta.db_table in _parents() and "municipality_id" in values:
            self.municipality_of[(model._meta.db_table, row_id)] = values["municipality_id"]
        table.rows.append(tuple(_value(f, values) for f in model._meta.concrete_fields))
        return row_id

    def link(self, model: type[models.Model], name: str, owner_id: int, target_ids: Iterable[int]):
        """Rows of a many-to-many table: (id, owner, target), in the through model's order, and
        the owner's municipality where the table has the key."""
        table = self.through(model, name)
        key = table.link_key
        municipality = (self.municipality_of[(model._meta.db_table, owner_id)],) if key else ()
        for target in target_ids:
            table.rows.append((table.next_id, owner_id, target, *municipality))
            table.next_id += self.stride

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
        # A batch's rows are the parents of that batch only; the services stay.
        services = Service._meta.db_table
        self.municipality_of = {k: m for k, m in self.municipality_of.items() if k[0] == services}
        return counts


def _key(model: type[models.Model]) -> MunicipalityKey | None:
    return next((f for f in model._meta.concrete_fields if isinstance(f, MunicipalityKey)), None)


@cache
def _parents() -> frozenset[str]:
    """The tables whose rows give other rows their key (cases, children, measures …)."""
    from django.apps import apps

    tables = set()
    for model in apps.get_models():
        key = _key(model)
        if key is not None:
            tables.add(model._meta.get_field(key.parent).related_model._meta.db_table)
    # The owners of the link tables (bts.isolation.link_key_sql).
    tables |= {m._meta.db_table for m in (Child, Consent, Meeting, Conversation)}
    return frozenset(tables)


def _has_key(db_table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name = %s AND column_name = 'municipality_id'",
            [db_table],
        )
        return cursor.fetchone() is not None


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
