"""The municipal dashboard and its CSV, against the hand-counted municipal world
(tests/dashboards/conftest.py): numbers, suppression, filters, the export, no names."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bts.models import AuditEvent, Role, Service
from dashboards.selectors import municipal_dashboard
from dashboards.stats import TOTAL, Period, add_months
from levels.selectors import guide_levels
from tests.factories import ServiceFactory

from .conftest import CHILD_LAST_NAME, GUARDIAN_NAME, open_case, update, user_with

pytestmark = pytest.mark.django_db


def month(months_ago: int):
    return add_months(timezone.localdate().replace(day=1), -months_ago)


def board(guide, *, period=None, kind=TOTAL):
    return municipal_dashboard(
        period=period or Period.last_months(12), kind=kind, levels=list(guide_levels(guide))
    )


def series(dashboard) -> dict[str, dict]:
    """Each series as {month: text} for the months with something in them."""
    return {
        s.key: {m: c.text for m, c in zip(dashboard.months, s.cells, strict=True) if c.text != "0"}
        for s in dashboard.series
    }


def test_open_cases_now_as_counted_by_hand(municipal_world, guide):
    """K: nivå 0 6, nivå 1 5; S: nivå 0 7, nivå 3 2 (small). S's row would give its 2 away
    from its total (9 − 7), so S's total is hidden too, and with it the grand total."""
    dashboard = board(guide)
    assert [(n, cell.text) for n, _label, cell in dashboard.levels] == [
        (0, "13"),
        (1, "5"),
        (2, "0"),
        (3, "<5"),
    ]
    rows = {row.kind: [c.text for c in row.cells] for row in dashboard.kind_rows}
    assert rows[Service.Kind.KINDERGARTEN] == ["6", "5", "0", "0", "11"]
    assert rows[Service.Kind.SCHOOL] == ["7", "0", "0", "<5", "skjult"]
    assert rows[Service.Kind.PPT] == ["0", "0", "0", "0", "0"]
    assert [c.text for c in dashboard.kind_total.cells] == ["13", "5", "0", "<5", "skjult"]
    assert [b.count for b in dashboard.pyramid.bands] == ["13", "5", "0", "<5"]


def test_cases_and_decisions_per_month_as_counted_by_hand(municipal_world, guide):
    m1, m2, m3 = month(1), month(2), month(3)
    assert series(board(guide)) == {
        "opened": {m3: "6", m2: "12", m1: "5"},  # m1: S 2 + K 3, both small, 5 shown
        "raise": {m2: "5", m1: "<5"},
        "lower": {},
        "continue": {m1: "<5"},
        "close": {m1: "<5"},
        # m2: school 6 + families 2 = 8; m1: kindergarten 1 + families 4 = 5 (both small).
        "inquiries": {m2: "8", m1: "5"},
    }


def test_medians_from_undring_as_counted_by_hand(municipal_world, guide):
    # First measures 3, 5, 10, 12, 20 days after: 10. First decisions 7, 8, 9, 10, 11 (K
    # nivå 1), 2 and 4 (S nivå 3), 5, 5, 5 (closed): 2 4 5 5 5 | 7 8 9 10 11 → (5 + 7) / 2 = 6.
    measure, decision = board(guide).medians
    assert (measure.text, decision.text) == ("10 dager", "6 dager")


def test_a_median_of_fewer_than_five_cases_is_not_shown(municipal_world, guide):
    measure, decision = board(guide, kind=Service.Kind.SCHOOL).medians
    assert measure.days is None and decision.days is None  # 0 and 2 cases
    assert measure.text == "færre enn 5 saker"


def test_the_period_filter(municipal_world, guide):
    m2 = month(2)
    dashboard = board(guide, period=Period(m2, m2))
    assert dashboard.months == (m2,)
    assert series(dashboard) == {
        "opened": {m2: "12"},
        "raise": {m2: "5"},
        "lower": {},
        "continue": {},
        "close": {},
        "inquiries": {m2: "8"},
    }
    measure, decision = dashboard.medians  # the K nivå 1 cases: 7–11 days; S's have none
    assert (measure.text, decision.text) == ("10 dager", "9 dager")
    # The pyramid is now, whatever the period.
    assert [cell.text for _n, _l, cell in dashboard.levels] == ["13", "5", "0", "<5"]


def test_the_kind_filter_shows_that_kinds_row_of_the_same_protected_tables(municipal_world, guide):
    m1, m2 = month(1), month(2)
    dashboard = board(guide, kind=Service.Kind.SCHOOL)
    assert [cell.text for _n, _l, cell in dashboard.levels] == ["7", "0", "0", "<5"]
    assert [row.kind for row in dashboard.kind_rows] == [Service.Kind.SCHOOL]
    assert dashboard.kind_total is None
    assert series(dashboard) == {
        "opened": {m2: "7", m1: "<5"},
        "raise": {m1: "<5"},
        "lower": {},
        "continue": {m1: "<5"},
        "close": {},
        # From the school in m2: 6, but hidden, since the month's total (8) less it would give
        # away the families' 2.
        "inquiries": {m2: "skjult"},
    }
    kindergarten = series(board(guide, kind=Service.Kind.KINDERGARTEN))
    assert kindergarten["opened"] == {month(3): "6", m2: "5", m1: "<5"}
    assert kindergarten["close"] == {m1: "<5"}


def test_the_page_shows_the_filters_and_the_numbers(client, municipal_world):
    client.force_login(municipal_world.municipal_leader)
    html = client.get(reverse("dashboards:municipal")).text
    assert 'method="get"' in html and 'name="fra"' in html and 'name="type"' in html
    assert "Nivå 3: &lt;5" in html and "Nivå 0: 13" in html
    assert "10 dager" in html
    assert "<caption>Saker og beslutninger per måned</caption>" in html
    assert 'role="img"' in html and '<desc id="trend-desc">' in html
    assert "style=" not in html and "<script>" not in html


def test_filters_come_from_the_query_and_a_wrong_one_is_explained(client, municipal_world):
    client.force_login(municipal_world.municipal_leader)
    m2 = month(2)
    url = reverse("dashboards:municipal")
    html = client.get(url, {"fra": f"{m2:%Y-%m}", "til": f"{m2:%Y-%m}", "type": "school"}).text
    assert "Nivå 0: 7" in html and "Barnehage" not in html.split("<table", 1)[1]
    wrong = client.get(url, {"fra": "2026-13", "til": f"{add_months(month(0), 1):%Y-%m}"})
    assert wrong.status_code == 200
    assert "Skriv måneden som ÅÅÅÅ-MM" in wrong.text
    assert "Perioden kan ikke slutte etter denne måneden" in wrong.text
    assert "Nivå 0: 13" in wrong.text  # shown for the default period meanwhile


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _section(rows, title):
    start = rows.index([title]) + 1
    end = next((i for i in range(start, len(rows)) if not rows[i]), len(rows))
    return rows[start:end]


def test_the_csv_has_the_same_protected_tables(client, municipal_world):
    client.force_login(municipal_world.municipal_leader)
    rows = _csv(client.get(reverse("dashboards:municipal_csv")))
    assert _section(rows, "Åpne saker nå, etter nivå")[1:] == [
        ["Nivå 0 – Undring", "13"],
        ["Nivå 1 – Tiltak i egen tjeneste", "5"],
        ["Nivå 2 – Samarbeid med andre tjenester", "0"],
        ["Nivå 3 – Bredt tverrfaglig samarbeid", "<5"],
    ]
    kinds = _section(rows, "Åpne saker nå, etter tjenestetype og nivå")
    assert kinds[0] == ["Tjenestetype", "Nivå 0", "Nivå 1", "Nivå 2", "Nivå 3", "I alt"]
    assert ["Skole", "7", "0", "0", "<5", "skjult"] in kinds
    assert kinds[-1] == ["Alle tjenestetyper", "13", "5", "0", "<5", "skjult"]
    months = _section(rows, "Per måned (saker registrert og beslutninger tatt i måneden)")
    assert months[0] == ["Måned", "Nye saker", "Hevet", "Senket", "Fortsatt på samme nivå",
                         "Avsluttet", "Henvendelser til familiehjelpa"]  # fmt: skip
    assert len(months) == 1 + 12
    assert [f"{month(1):%Y-%m}", "5", "<5", "0", "<5", "<5", "5"] in months
    assert _section(rows, "Tid fra undring, for saker registrert i perioden (median)")[1:] == [
        ["Fra undring til første tiltak", "10"],
        ["Fra undring til første beslutning", "6"],
    ]


def test_the_csv_neutralises_formula_cells(client, municipal_world):
    # A service kind is stored text: one written outside the form becomes a row label.
    odd = ServiceFactory(name="Import", kind='=HYPERLINK("x")')
    for _ in range(5):
        open_case(municipal_world.ingrid, odd, first_name="Ola")
    client.force_login(municipal_world.municipal_leader)
    rows = _csv(client.get(reverse("dashboards:municipal_csv")))
    labels = [row[0] for row in _section(rows, "Åpne saker nå, etter tjenestetype og nivå")]
    assert '\'=HYPERLINK("x")' in labels
    assert not [cell for row in rows for cell in row if cell[:1] in "=+-@"]


def test_the_csv_is_an_audited_export_without_personal_data(client, municipal_world):
    client.force_login(municipal_world.municipal_leader)
    before = AuditEvent.objects.count()
    client.get(reverse("dashboards:municipal_csv"), {"type": "school"})
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.kind, e.case_id) for e in events] == [("document_exported", None)]
    period = Period.last_months(12)
    assert events[0].detail == (
        f"dashboard:municipal fra={period.first:%Y-%m}&til={period.last:%Y-%m}&type=school"
    )
    client.get(reverse("dashboards:municipal"))  # aggregates only: the page is not audited
    assert AuditEvent.objects.count() == before + 1


def test_a_municipal_leader_never_reaches_a_name(client, municipal_world):
    client.force_login(municipal_world.municipal_leader)
    m2 = f"{month(2):%Y-%m}"
    responses = [
        client.get(reverse("start")),
        client.get(reverse("dashboards:municipal")),
        client.get(reverse("dashboards:municipal"), {"type": "school", "fra": m2, "til": m2}),
        client.get(reverse("dashboards:municipal_csv")),
        client.get(reverse("dashboards:municipal_csv"), {"type": "kindergarten"}),
        client.get(reverse("dashboards:service")),
        client.get(reverse("dashboards:service_list", args=["apne"])),
    ]
    assert [r.status_code for r in responses] == [200] * 5 + [403] * 2
    for response in responses:
        text = response.content.decode("utf-8")
        for name in (CHILD_LAST_NAME, "Oline", GUARDIAN_NAME, "Ingrid", "Petter"):
            assert name not in text, (response.request["PATH_INFO"], name)
        assert "/saker/" not in text
        assert not re.search(r"[Ss]ak \d", text)


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.LEADER, Role.SYSTEM_ADMIN])
def test_the_municipal_dashboard_is_for_the_municipal_leader(client, municipal_world, role):
    service = None if role == Role.SYSTEM_ADMIN else municipal_world.kindergarten
    client.force_login(user_with(role, service))
    assert client.get(reverse("dashboards:municipal")).status_code == 403
    assert client.get(reverse("dashboards:municipal_csv")).status_code == 403


def test_the_municipal_start_page_shows_the_suppressed_pyramid(client, municipal_world):
    client.force_login(municipal_world.municipal_leader)
    html = client.get(reverse("start")).text
    assert "Nivå 0: 13" in html and "Nivå 3: &lt;5" in html
    assert 'href="/oversikt/kommune/"' in html


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_dashboard_keeps_its_query_count_as_data_grows(
    client, municipal_world, django_assert_max_num_queries
):
    client.force_login(municipal_world.municipal_leader)
    urls = [reverse("dashboards:municipal"), reverse("dashboards:municipal_csv"), reverse("start")]
    client.get(urls[0])  # the session is renewed at most once a minute: not counted below
    small = [_count(client, url) for url in urls]
    for i in range(60):
        case = open_case(municipal_world.per, municipal_world.school, first_name=f"Ny{i}")
        update(case, level=i % 4, opened_at=case.opened_at.replace(day=1))
    # The first read after the writes counts their one month again: a fixed number of queries
    # for a month (a savepoint and its release, the lock, the stale rows read and deleted; the
    # month's four counts, its old rows out and new rows in), not one per case.
    assert _count(client, urls[0]) == small[0] + 5 + 6
    assert [_count(client, url) for url in urls] == small
    # session, user (with memberships and second factor), the levels of the process's guide;
    # the services' kinds and the open cases per service and level; whether a month is stale,
    # the period's monthly figures, the medians (the CSV: and its audit event) +
    # SAVEPOINT/RELEASE of the request's transaction.
    for url, most in zip(urls[:2], (9, 10), strict=True):
        with django_assert_max_num_queries(most):
            client.get(url)


def test_the_offers_criterion_names_the_level_the_guide_asks_for_offers_at(guide):
    from dashboards.selectors import WIDE, criterion
    from levels.loader import load_guide
    from tests.conftest import GUIDES

    assert criterion(WIDE, guide).title == "Saker på nivå 3"  # Øvre Eiker
    assert criterion(WIDE, load_guide(GUIDES / "fjordvik.toml")).title == "Saker på nivå 2"
