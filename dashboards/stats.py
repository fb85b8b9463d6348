"""The statistics the dashboards are made of: SQL pieces (a median, days between two dates),
the months of a period, and small-count protection of the municipal tables.

Nothing here knows what is counted: a new monthly series (familiehjelpa's inquiries, say) is a
queryset given to `counts_by_month` and its result given to `protect` and `Series`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.db.models import Aggregate, Count, DateField, FloatField, Func, IntegerField, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

# Counts from 1 to THRESHOLD - 1 are never shown; nor is a median of fewer cases.
THRESHOLD = 5
TOTAL = ""  # the key of a margin: all rows, or all columns


# --- SQL ----------------------------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's continuous median of an expression; NULLs are left out, as by every
    aggregate."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = FloatField()


class DaysBetween(Func):
    """`end - start` in whole days for two date expressions (date minus date is an integer in
    PostgreSQL)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def __init__(self, start, end):
        super().__init__(end, start)


# --- Months -------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    years, month = divmod(day.month - 1 + months, 12)
    return date(day.year + years, month + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months, from the month of `first` to the month of `last`, both included."""

    first: date
    last: date

    @classmethod
    def last_months(cls, count: int, *, today: date | None = None) -> Period:
        this_month = (today or timezone.localdate()).replace(day=1)
        return cls(add_months(this_month, 1 - count), this_month)

    @property
    def months(self) -> list[date]:
        months, month = [], self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def starts_at(self) -> datetime:
        """Midnight (local time) of the first day."""
        return timezone.make_aware(datetime.combine(self.first.replace(day=1), datetime.min.time()))

    @property
    def ends_at(self) -> datetime:
        """Midnight (local time) after the last day: the end, not included."""
        end = add_months(self.last, 1)
        return timezone.make_aware(datetime.combine(end, datetime.min.time()))


def counts_by_month(
    rows: QuerySet,
    *,
    date_field: str,
    period: Period,
    row_field: str | None = None,
    by: str | None = None,
) -> dict[tuple, int]:
    """Count `rows` per month of `date_field` (local time) in the period, in one query.

    Keys are (row, month) — or (row, month, by) with `by` — where row is the value of
    `row_field` (TOTAL without one) and month the month's first day."""
    fields = [f for f in (row_field, by) if f]
    counts = (
        rows.filter(**{f"{date_field}__gte": period.starts_at, f"{date_field}__lt": period.ends_at})
        .annotate(month=TruncMonth(date_field, output_field=DateField()))
        .values("month", *fields)
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[tuple, int] = {}
    for row in counts:
        key = (row[row_field] if row_field else TOTAL, row["month"])
        if by:
            key += (row[by],)
        result[key] = result.get(key, 0) + row["n"]
    return result


# --- Small counts --------------------------------------------------------------------------------


class Mark(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # 1 to THRESHOLD - 1: shown as "<5"
    HIDDEN = "hidden"  # hidden too, so that a small count cannot be worked out from a total


@dataclass(frozen=True)
class Cell:
    """A count as the dashboard may show it. A hidden count is not kept at all, so no
    template or export can show it by mistake."""

    value: int | None
    mark: Mark = Mark.SHOWN

    @property
    def text(self) -> str:
        if self.mark == Mark.SMALL:
            return f"<{THRESHOLD}"
        if self.mark == Mark.HIDDEN:
            return _("skjult")
        return str(self.value)

    @property
    def suppressed(self) -> bool:
        return self.mark != Mark.SHOWN

    def __str__(self) -> str:
        return self.text


_UNBOUNDED = 10**12


def protect(
    counts: Mapping[tuple[str, str], int],
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> dict[tuple[str, str], Cell]:
    """Protect a table of counts, with its margins, before anything of it is shown.

    `counts` maps (row, column) to a count (missing is 0). The margins are added: (row, TOTAL)
    when `row_totals`, (TOTAL, column) when `column_totals`, and (TOTAL, TOTAL) with both.

    Every count from 1 to THRESHOLD - 1 is SMALL. Then, line by line (a row or a column with
    its total; a total is a cell of its line), a line with just one suppressed cell, or whose
    suppressed cells a reader could still work out from the rest of the line (two cells that
    add up to 2, say), gets one more cell HIDDEN, until no line needs more. The cell is the
    first that leaves the line safe, taken in this order: a row's total (the least telling),
    then an inner cell, then a column's total (the pyramid's levels, a month of a series),
    smallest first.

    Protect the whole table, never the part a filter shows: what is hidden must not depend on
    which part someone asks for, or two answers could be subtracted from each other.
    """
    values: dict[tuple[str, str], int] = {
        (r, c): counts.get((r, c), 0) for r in rows for c in columns
    }
    lines: list[tuple[list[tuple[str, str]], tuple[str, str]]] = []
    if column_totals:
        for c in columns:
            values[TOTAL, c] = sum(values[r, c] for r in rows)
            lines.append(([(r, c) for r in rows], (TOTAL, c)))
    if row_totals:
        for r in rows:
            values[r, TOTAL] = sum(values[r, c] for c in columns)
            lines.append(([(r, c) for c in columns], (r, TOTAL)))
    if row_totals and column_totals:
        values[TOTAL, TOTAL] = sum(values[r, TOTAL] for r in rows)
        lines.append(([(TOTAL, c) for c in columns], (TOTAL, TOTAL)))
        lines.append(([(r, TOTAL) for r in rows], (TOTAL, TOTAL)))
    order = {key: i for i, key in enumerate(values)}
    marks = {key: Mark.SMALL for key, n in values.items() if 0 < n < THRESHOLD}

    def rank(key) -> tuple[int, int, int]:
        row, column = key
        kind = 0 if column == TOTAL else 2 if row == TOTAL else 1
        return kind, values[key], order[key]

    def bounds(key) -> tuple[int, int]:
        mark = marks.get(key)
        if mark == Mark.SMALL:
            return 1, THRESHOLD - 1
        if mark == Mark.HIDDEN:
            return THRESHOLD, _UNBOUNDED
        return values[key], values[key]

    def exposed(members, total) -> bool:
        """Whether the line leaves a small cell one possible value, or just one cell hidden."""
        keys = [*members, total]
        if sum(k in marks for k in keys) == 1:
            return True
        for key in keys:
            if marks.get(key) != Mark.SMALL:
                continue
            if key == total:
                low = sum(bounds(m)[0] for m in members)
                high = sum(bounds(m)[1] for m in members)
            else:
                others = [m for m in members if m != key]
                low = bounds(total)[0] - sum(bounds(m)[1] for m in others)
                high = bounds(total)[1] - sum(bounds(m)[0] for m in others)
            if max(low, 1) >= min(high, THRESHOLD - 1):
                return True
        return False

    def hide_one_more(members, total) -> bool:
        candidates = sorted(
            (k for k in (*members, total) if k not in marks and values[k] > 0), key=rank
        )
        for key in candidates:
            marks[key] = Mark.HIDDEN
            if not exposed(members, total):
                return True
            del marks[key]
        if candidates:  # none is enough alone: hide the first, and look at the line again
            marks[candidates[0]] = Mark.HIDDEN
            return True
        return False

    changed = True
    while changed:
        changed = False
        for line in lines:
            members, total = line
            keys = (*members, total)
            if any(k in marks for k in keys) and exposed(members, total) and hide_one_more(*line):
                changed = True
                break
    return {key: Cell(None, marks[key]) if key in marks else Cell(n) for key, n in values.items()}


@dataclass(frozen=True)
class Series:
    """One protected count per month: a line of the monthly table, the CSV and the chart."""

    key: str
    label: str
    cells: tuple[Cell, ...]


def monthly_series(
    key: str,
    label: str,
    counts: Mapping[tuple, int],
    *,
    months: Sequence[date],
    rows: Iterable[str] = (),
    row: str = TOTAL,
) -> Series:
    """The series of `row` (TOTAL: all rows) from counts keyed (row, month).

    Each month is protected as a column of all the rows with their total, so what is hidden in
    a month does not depend on the period asked for, nor on the row shown."""
    rows = list(rows)
    if rows:
        table = protect(counts, rows, months, row_totals=False, column_totals=True)
    else:  # no rows: one line, the total, small counts suppressed
        table = protect(
            {(TOTAL, m): n for (r, m), n in counts.items() if r == TOTAL},
            [TOTAL],
            months,
            row_totals=False,
            column_totals=False,
        )
    return Series(key, label, tuple(table[row, month] for month in months))
