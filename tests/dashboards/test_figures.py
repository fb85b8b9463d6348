"""The municipal dashboard's monthly figures: a summary that the database's triggers mark stale
on every write that changes it, and that always equals counting the tables themselves."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.db.models import Min, Q, Value
from django.db.models.functions import Greatest, TruncDate
from django.utils import timezone

from cases.models import Case, Decision, Measure
from dashboards import figures
from dashboards.models import MonthlyFigure, StaleMonth
from dashboards.stats import DaysBetween, Median, Period, counts_by_month
from devdata.synthetic import seed_synthetic
from familiehjelpa.models import Inquiry
from tests.conftest import as_owner
from tests.dashboards.conftest import decision, measure, month_ago, open_case, update, user_with

pytestmark = pytest.mark.django_db


def direct_medians(period: Period, kind: str = "") -> dict:
    """The medians as counted from the cases themselves (what the figures replace)."""
    cases = Case.objects.filter(opened_at__gte=period.starts_at, opened_at__lt=period.ends_at)
    if kind:
        cases = cases.filter(owner_service__kind=kind)
    per_case = cases.annotate(
        measure_on=Min("measures__starts_on"), first_decision=Min("decisions__decided_at")
    ).annotate(opened_on=TruncDate("opened_at"), decided_on=TruncDate("first_decision"))
    found = per_case.aggregate(
        m=Median(
            Greatest(DaysBetween("opened_on", "measure_on"), Value(0)),
            filter=Q(measure_on__isnull=False),
        ),
        d=Median(
            Greatest(DaysBetween("opened_on", "decided_on"), Value(0)),
            filter=Q(decided_on__isnull=False),
        ),
    )
    return {figures.TO_MEASURE: found["m"], figures.TO_DECISION: found["d"]}


def test_the_figures_equal_counting_the_tables_on_synthetic_data(guide):
    with as_owner():
        seed_synthetic(cases=600, seed=5)
    assert not StaleMonth.objects.exists()  # the load counted every month itself
    period = Period.last_months(24)

    opened, decisions, inquiries = figures.counts(period)

    assert opened == counts_by_month(
        Case.objects.all(), date_field="opened_at", period=period, row_field="owner_service__kind"
    )
    assert decisions == counts_by_month(
        Decision.objects.all(),
        date_field="decided_at",
        period=period,
        row_field="case__owner_service__kind",
        by="move",
    )
    direct_inquiries = counts_by_month(
        Inquiry.objects.all(),
        date_field="received_at",
        period=period,
        row_field="referring_service__kind",
    )
    assert inquiries == {(k or figures.FAMILY, m): n for (k, m), n in direct_inquiries.items()}
    assert sum(opened.values()) > 100 and sum(decisions.values()) > 100 and inquiries
    for kind in ("", "kindergarten", "school"):
        medians = figures.medians(period, kind=kind)
        expected = direct_medians(period, kind)
        assert {s: m for s, (m, _n) in medians.items()} == expected, kind


def test_writes_mark_their_months_and_the_next_read_counts_them_again(guide, kindergarten):
    from bts.models import Role

    ingrid = user_with(Role.EMPLOYEE, kindergarten, first_name="Ingrid")
    this_month = timezone.localdate().replace(day=1)
    period = Period.last_months(6)
    figures.refresh()

    case = open_case(ingrid, kindergarten)
    assert set(StaleMonth.objects.values_list("month", flat=True)) == {this_month}
    assert figures.refresh(period) == [this_month]
    assert not StaleMonth.objects.exists()
    assert figures.counts(period)[0] == {("kindergarten", this_month): 1}

    # A save that changes nothing counted (the case's last activity) marks nothing.
    update(case, last_activity_at=timezone.now())
    assert not StaleMonth.objects.exists()

    # Moving the undring three months back moves it in the figures, both months marked.
    earlier = month_ago(3)
    update(case, opened_at=earlier)
    earlier_month = timezone.localtime(earlier).date().replace(day=1)
    assert set(StaleMonth.objects.values_list("month", flat=True)) == {this_month, earlier_month}
    figures.refresh(period)
    assert figures.counts(period)[0] == {("kindergarten", earlier_month): 1}

    # A decision marks its own month and the month its case was opened (the median).
    made = decision(case, ingrid, move="raise", from_level=0, to_level=1, at=month_ago(2))
    decided_month = timezone.localtime(made.decided_at).date().replace(day=1)
    assert set(StaleMonth.objects.values_list("month", flat=True)) == {
        decided_month,
        earlier_month,
    }
    figures.refresh(period)
    assert figures.counts(period)[1] == {("kindergarten", decided_month, "raise"): 1}
    assert figures.medians(period)[figures.TO_DECISION] == (
        (timezone.localtime(made.decided_at).date() - timezone.localtime(earlier).date()).days,
        1,
    )

    # A measure's start moved by a plain update still reaches the median.
    start = timezone.localtime(earlier).date() + dt.timedelta(days=9)
    made_measure = measure(
        case, ingrid, starts_on=start, evaluation_due=start + dt.timedelta(days=28)
    )
    figures.refresh(period)
    assert figures.medians(period)[figures.TO_MEASURE] == (9, 1)
    Measure.objects.filter(pk=made_measure.pk).update(starts_on=start + dt.timedelta(days=5))
    assert StaleMonth.objects.filter(month=earlier_month).exists()
    figures.refresh(period)
    assert figures.medians(period)[figures.TO_MEASURE] == (14, 1)

    # A service that changes kind has every month counted again.
    kindergarten.kind = "school"
    kindergarten.save()
    figures.refresh(period)
    assert figures.counts(period)[0] == {("school", earlier_month): 1}


def test_a_read_counts_only_the_stale_months_of_its_period(guide, kindergarten):
    from bts.models import Role

    ingrid = user_with(Role.EMPLOYEE, kindergarten, first_name="Ingrid")
    old = open_case(ingrid, kindergarten)
    update(old, opened_at=month_ago(30))
    figures.refresh(Period.last_months(12))
    # The month 30 months back waits for a period that holds it.
    assert list(StaleMonth.objects.values_list("month", flat=True)) == [
        timezone.localtime(month_ago(30)).date().replace(day=1)
    ]
    figures.refresh(Period.last_months(36))
    assert not StaleMonth.objects.exists()
    assert sum(figures.counts(Period.last_months(36))[0].values()) == 1
    assert not MonthlyFigure.objects.filter(month=timezone.localdate().replace(day=1)).exists()


@pytest.mark.parametrize("seed", range(8))
def test_the_median_of_a_histogram_is_postgresqls_percentile_cont(seed):
    rng = random.Random(seed)
    values = [rng.randint(0, 60) for _ in range(rng.randint(1, 40))]
    histogram = sorted({v: values.count(v) for v in values}.items())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(%s::int[]) v",
            [values],
        )
        expected = cursor.fetchone()[0]

    assert figures._median(histogram) == (expected, len(values))
    assert figures._median([]) == (None, 0)
