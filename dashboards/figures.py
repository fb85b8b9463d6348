"""The municipal dashboard's monthly figures as a summary table, refreshed on write.

Counting every case, decision and inquiry of a year on each read is a scan of tens of thousands
of rows (a year of a large municipality is 50 000 cases and 85 000 decisions, some 700 ms for
the dashboard). So the counts of each month are kept in `MonthlyFigure`; triggers in the
database (migration 0002) add a `StaleMonth` row for every month a write changes, whatever
wrote it; and a read first counts again the stale months of its period, one month at a time
from the same tables and by the same rules as before. The medians are kept as how many cases
took each number of days, which gives the same median as counting the cases themselves.
"""

from collections import defaultdict
from datetime import date

from django.db import connection, transaction
from django.db.models import CharField, Min, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.utils import timezone

from bts.isolation import unrestricted
from cases.models import Case, Decision
from familiehjelpa.models import Inquiry

from .models import MonthlyFigure, StaleMonth
from .stats import TOTAL, Period, counts_by_month

OPENED = "opened"
INQUIRIES = "inquiries"
TO_MEASURE = "to_measure"
TO_DECISION = "to_decision"
HISTOGRAMS = (TO_MEASURE, TO_DECISION)
FAMILY = "family"  # an inquiry from the family itself, not from a service


def _rows(rows: QuerySet, municipality: str, kind: str) -> QuerySet:
    """`rows` with a `row` of "<municipality id>|<kind>": what each figure is counted by."""
    return rows.annotate(row=Concat(Cast(municipality, CharField()), Value("|"), kind))


def _split(row: str) -> tuple[int, str]:
    municipality, kind = row.split("|", 1)
    return int(municipality), kind


def _count_month(month: date) -> list[MonthlyFigure]:
    """The figures of one month, per municipality, from the tables they count."""
    period = Period(month, month)
    figures = [
        MonthlyFigure(municipality_id=m, month=month, kind=kind, series=OPENED, n=n)
        for (row, _m), n in counts_by_month(
            _rows(Case.objects.all(), "municipality_id", "owner_service__kind"),
            date_field="opened_at",
            period=period,
            row_field="row",
        ).items()
        for m, kind in [_split(row)]
    ]
    figures += [
        MonthlyFigure(municipality_id=m, month=month, kind=kind, series=move, n=n)
        for (row, _m, move), n in counts_by_month(
            _rows(Decision.objects.all(), "municipality_id", "case__owner_service__kind"),
            date_field="decided_at",
            period=period,
            row_field="row",
            by="move",
        ).items()
        for m, kind in [_split(row)]
    ]
    # An inquiry belongs to the municipality of the familiehjelpa that received it.
    inquiries = Inquiry.objects.annotate(
        from_kind=Coalesce("referring_service__kind", Value(FAMILY))
    )
    figures += [
        MonthlyFigure(municipality_id=m, month=month, kind=source, series=INQUIRIES, n=n)
        for (row, _m), n in counts_by_month(
            _rows(inquiries, "municipality_id", "from_kind"),
            date_field="received_at",
            period=period,
            row_field="row",
        ).items()
        for m, source in [_split(row)]
    ]
    # Days from the undring (the case opened) to its first measure's start and to its first
    # decision, for the cases opened this month; a measure entered with a start before the
    # undring counts as day 0.
    per_case = (
        Case.objects.filter(opened_at__gte=period.starts_at, opened_at__lt=period.ends_at)
        .annotate(
            measure_on=Min("measures__starts_on"), first_decision=Min("decisions__decided_at")
        )
        .annotate(opened_on=TruncDate("opened_at"), decided_on=TruncDate("first_decision"))
        .values_list(
            "municipality_id", "owner_service__kind", "opened_on", "measure_on", "decided_on"
        )
    )
    days: dict[tuple[int, str, str, int], int] = defaultdict(int)
    for m, kind, opened_on, measure_on, decided_on in per_case:
        for series, first in ((TO_MEASURE, measure_on), (TO_DECISION, decided_on)):
            if first is not None:
                days[m, kind, series, max(0, (first - opened_on).days)] += 1
    figures += [
        MonthlyFigure(municipality_id=m, month=month, kind=kind, series=series, days=d, n=n)
        for (m, kind, series, d), n in days.items()
    ]
    return figures


def refresh(period: Period | None = None) -> list[date]:
    """Count again the stale months (of the period, or all); returns them. One query when
    nothing is stale."""
    stale = StaleMonth.objects.all()
    if period is not None:
        stale = stale.filter(month__gte=period.first.replace(day=1), month__lte=period.last)
    if not stale.exists():
        return []
    # The recount is for every municipality, whoever's page asked for it; the figures it
    # writes are read back through row-level security like any other.
    with unrestricted(), transaction.atomic():
        # One recount at a time: two could otherwise both replace the same month's rows.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('dashboards.figures'))")
        seen = list(stale.values_list("pk", "month"))
        months = sorted({month for _pk, month in seen})
        # Only the rows seen: a marking write that commits while we count keeps its row.
        StaleMonth.objects.filter(pk__in=[pk for pk, _month in seen]).delete()
        for month in months:
            MonthlyFigure.objects.filter(month=month).delete()
            MonthlyFigure.objects.bulk_create(_count_month(month))
    return months


def months_to_mark(case=Case, decision=Decision, inquiry=Inquiry) -> list[date]:
    """Every month from the first case, decision or inquiry to this one (the models may be a
    migration's historical ones)."""
    dated = ((case, "opened_at"), (decision, "decided_at"), (inquiry, "received_at"))
    firsts = [model.objects.aggregate(first=Min(field))["first"] for model, field in dated]
    firsts = [timezone.localtime(f).date() for f in firsts if f is not None]
    return Period(min(firsts), timezone.localdate()).months if firsts else []


def rebuild() -> None:
    """Count every month again: after data was loaded with the triggers off (synthetic data)."""
    StaleMonth.objects.bulk_create(StaleMonth(month=m) for m in months_to_mark())
    refresh()


# --- Reading ------------------------------------------------------------------------------------


def _of(period: Period, municipality_id: int | None) -> QuerySet[MonthlyFigure]:
    rows = MonthlyFigure.objects.filter(
        month__gte=period.first.replace(day=1), month__lte=period.last
    )
    return rows if municipality_id is None else rows.filter(municipality_id=municipality_id)


def counts(period: Period, municipality_id: int | None = None) -> tuple[dict, dict, dict]:
    """Cases opened {(kind, month): n}, decisions {(kind, month, move): n} and inquiries
    {(kind or FAMILY, month): n} in the period, of one municipality (None: the installation's),
    as `stats.counts_by_month` gives them, in one query (after `refresh`)."""
    opened, decisions, inquiries = defaultdict(int), defaultdict(int), defaultdict(int)
    rows = _of(period, municipality_id).exclude(series__in=HISTOGRAMS)
    for kind, month, series, n in rows.values_list("kind", "month", "series", "n"):
        if series == OPENED:
            opened[kind, month] += n
        elif series == INQUIRIES:
            inquiries[kind, month] += n
        else:
            decisions[kind, month, series] += n
    return dict(opened), dict(decisions), dict(inquiries)


def medians(
    period: Period, *, kind: str = TOTAL, municipality_id: int | None = None
) -> dict[str, tuple[float | None, int]]:
    """(median days, number of cases) to the first measure and to the first decision, for the
    cases opened in the period (of one kind of service, or all) in one municipality (None:
    the installation's), in one query."""
    rows = _of(period, municipality_id).filter(series__in=HISTOGRAMS)
    if kind:
        rows = rows.filter(kind=kind)
    histograms: dict[str, list[tuple[int, int]]] = {s: [] for s in HISTOGRAMS}
    totals = rows.values("series", "days").annotate(total=Sum("n"))
    for series, days, n in totals.values_list("series", "days", "total"):
        histograms[series].append((days, n))
    return {series: _median(sorted(h)) for series, h in histograms.items()}


def _median(histogram: list[tuple[int, int]]) -> tuple[float | None, int]:
    """The median of values given as (value, how many), as PostgreSQL's percentile_cont(0.5)
    gives it: the middle value, or the mean of the two middle ones."""
    total = sum(n for _v, n in histogram)
    if not total:
        return None, 0
    wanted = {(total - 1) // 2, total // 2}  # 0-based positions of the middle value(s)
    found, seen = [], 0
    for value, n in histogram:
        found += [value for position in sorted(wanted) if seen <= position < seen + n]
        seen += n
    return sum(found) / len(found), total
