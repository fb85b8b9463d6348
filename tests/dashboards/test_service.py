"""The service leader's dashboard and the lists behind its numbers, against the hand-counted
kindergarten world (tests/dashboards/conftest.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bts.models import AuditEvent, Role, Service
from dashboards.selectors import LIST_PAGE, led_services, service_overview
from levels.selectors import guide_levels
from tests.factories import ServiceFactory

from .conftest import open_case, update, user_with

pytestmark = pytest.mark.django_db


def numbers(user, guide, services=None):
    services = services or [s.pk for s in led_services(user)]
    overview = service_overview(user, services, guide=guide, levels=list(guide_levels(guide)))
    return overview, {n.criterion.slug: n.count for n in overview.numbers}


def listed(client, slug, **params):
    response = client.get(reverse("dashboards:service_list", args=[slug]), params)
    assert response.status_code == 200
    return re.findall(r'<a class="ds-link" href="/saker/\d+/">([^<]+)</a>', response.text)


def test_the_numbers_are_those_counted_by_hand(kindergarten_world, guide):
    overview, counted = numbers(kindergarten_world.leader, guide)
    assert overview.open == 5  # A–E; F and G are closed, H and I are the school's
    assert counted == {
        "over-fristen": 1,  # A
        "evaluering-forfalt": 1,  # C (D's overdue measure has ended)
        "uten-aktivitet": 2,  # A (40 days), B (31); C was touched 29 days ago
        "niva-3": 1,  # E
        "venter-pa-overtakelse": 1,  # E
    }


def test_open_cases_by_level_and_step_in_the_guides_order(kindergarten_world, guide):
    overview, _counted = numbers(kindergarten_world.leader, guide)
    by_level = {lv.number: lv.count for lv in overview.levels}
    assert by_level == {0: 2, 1: 2, 2: 0, 3: 1}
    steps = {s.code: s.count for lv in overview.levels for s in lv.steps}
    assert (steps["0.1"], steps["0.2"], steps["1.3"], steps["3.1"]) == (1, 1, 2, 1)
    assert sum(steps.values()) == 5
    codes = [s.code for lv in overview.levels for s in lv.steps]
    assert codes[:5] == ["0.1", "0.2", "0.3", "0.4", "1.1"]  # the guide's order
    assert [lv.colour for lv in overview.levels] == ["green", "yellow", "orange", "red"]


def test_a_step_the_guide_no_longer_has_is_listed_under_its_level(kindergarten_world, guide):
    update(kindergarten_world.cases["D"], step_code="1.9")
    overview, _counted = numbers(kindergarten_world.leader, guide)
    level1 = next(lv for lv in overview.levels if lv.number == 1)
    assert [(s.code, s.count, s.in_guide) for s in level1.steps if s.count] == [
        ("1.3", 1, True),
        ("1.9", 1, False),
    ]
    assert level1.count == 2


def test_another_services_leader_counts_only_their_own(kindergarten_world, guide):
    overview, counted = numbers(kindergarten_world.school_leader, guide)
    assert overview.open == 2  # H, I
    assert counted["over-fristen"] == 1 and counted["niva-3"] == 1
    assert counted["uten-aktivitet"] == counted["venter-pa-overtakelse"] == 0


def test_the_inactivity_period_is_the_guides(kindergarten_world, guide):
    guide.inactive_days = 35
    guide.save()
    _overview, counted = numbers(kindergarten_world.leader, guide)
    assert counted["uten-aktivitet"] == 1  # only A, at 40 days


def test_each_number_links_to_the_children_behind_it(client, kindergarten_world):
    client.force_login(kindergarten_world.leader)
    html = client.get(reverse("dashboards:service")).text
    for slug in ("over-fristen", "evaluering-forfalt", "uten-aktivitet", "niva-3"):
        assert f'href="/oversikt/tjeneste/{slug}/"' in html
    assert listed(client, "over-fristen") == ["Aksel Fjellstuen"]
    assert listed(client, "evaluering-forfalt") == ["Cato Fjellstuen"]
    assert listed(client, "uten-aktivitet") == ["Aksel Fjellstuen", "Bo Fjellstuen"]  # oldest first
    assert listed(client, "niva-3") == ["Eli Fjellstuen"]
    assert listed(client, "venter-pa-overtakelse") == ["Eli Fjellstuen"]
    assert sorted(listed(client, "apne")) == [
        f"{n} Fjellstuen" for n in ("Aksel", "Bo", "Cato", "Dina", "Eli")
    ]
    assert sorted(listed(client, "apne", niva=1)) == ["Cato Fjellstuen", "Dina Fjellstuen"]
    assert listed(client, "apne", niva=0, trinn="0.2") == ["Bo Fjellstuen"]


def test_the_level_and_step_links_lead_to_their_lists(client, kindergarten_world):
    client.force_login(kindergarten_world.leader)
    html = client.get(reverse("dashboards:service")).text
    assert 'href="/oversikt/tjeneste/apne/?niva=1"' in html
    assert 'href="/oversikt/tjeneste/apne/?niva=0&amp;trinn=0.2"' in html
    assert 'href="/oversikt/tjeneste/apne/?niva=2' not in html  # 0: nothing behind it


def test_a_list_names_each_cases_step_with_its_title(client, kindergarten_world):
    client.force_login(kindergarten_world.leader)
    html = client.get(reverse("dashboards:service_list", args=["apne"])).text
    assert "Nivå 0 · 0.2 Konkretiser undringen" in html
    assert html.count("Nivå 1 · 1.3 Gjennomføre og evaluere tiltak") == 2


def test_the_handover_list_says_to_whom(client, kindergarten_world):
    client.force_login(kindergarten_world.leader)
    html = client.get(reverse("dashboards:service_list", args=["venter-pa-overtakelse"])).text
    assert "Tone" in html


def test_a_list_never_shows_another_services_child(client, kindergarten_world):
    client.force_login(kindergarten_world.leader)
    for slug in ("apne", "over-fristen", "niva-3"):
        html = client.get(reverse("dashboards:service_list", args=[slug])).text
        assert "Skolebakken" not in html
    school = kindergarten_world.school.pk
    for url in (reverse("dashboards:service"), reverse("dashboards:service_list", args=["apne"])):
        assert client.get(url, {"tjeneste": school}).status_code == 404


def test_reading_a_list_writes_one_audit_event_without_names(client, kindergarten_world):
    client.force_login(kindergarten_world.leader)
    before = AuditEvent.objects.count()
    client.get(reverse("dashboards:service_list", args=["apne"]), {"niva": 1})
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.kind, e.case_id) for e in events] == [("case_list_viewed", None)]
    assert events[0].detail == "dashboard:apne niva=1 side=1"
    assert events[0].actor == kindergarten_world.leader
    # The dashboard itself shows numbers only: no event.
    client.get(reverse("dashboards:service"))
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.MUNICIPAL_LEADER, Role.SYSTEM_ADMIN])
def test_the_dashboard_is_for_leaders_only(client, kindergarten_world, role):
    service = kindergarten_world.kindergarten if role == Role.EMPLOYEE else None
    client.force_login(user_with(role, service))
    for url in (reverse("dashboards:service"), reverse("dashboards:service_list", args=["apne"])):
        response = client.get(url)
        assert response.status_code == 403
        assert "Fjellstuen" not in response.text


def test_an_unknown_list_or_filter_is_not_found(client, kindergarten_world):
    client.force_login(kindergarten_world.leader)
    assert client.get(reverse("dashboards:service_list", args=["alle-barn"])).status_code == 404
    url = reverse("dashboards:service_list", args=["apne"])
    assert client.get(url, {"niva": "x"}).status_code == 404
    assert client.get(url, {"side": "0"}).status_code == 404


def test_a_leader_of_two_services_chooses_one_or_sees_both(client, kindergarten_world, guide):
    from bts.services import membership_grant

    leader = kindergarten_world.leader
    membership_grant(user=leader, role=Role.LEADER, service=kindergarten_world.school)
    _overview, both = numbers(leader, guide)
    assert both["over-fristen"] == 2 and both["niva-3"] == 2
    client.force_login(leader)
    html = client.get(reverse("dashboards:service"), {"tjeneste": kindergarten_world.school.pk})
    assert html.status_code == 200
    school_only = listed(client, "over-fristen", tjeneste=kindergarten_world.school.pk)
    assert school_only == ["Hans Skolebakken"]
    assert len(listed(client, "over-fristen")) == 2


def test_familiehjelpas_team_leader_leads_familiehjelpa(client, guide):
    familiehjelpa = ServiceFactory(name="Familiehjelpa", kind=Service.Kind.FAMILIEHJELPA)
    contact = user_with(Role.EMPLOYEE, familiehjelpa)
    open_case(contact, familiehjelpa, first_name="Mia")
    client.force_login(user_with(Role.FAMILIEHJELPA_LEADER, familiehjelpa))
    html = client.get(reverse("dashboards:service")).text
    assert re.search(r"Familiehjelpa: <a [^>]+>1 åpen sak</a>", html)
    assert listed(client, "apne") == ["Mia Fjellstuen"]


def test_a_list_is_read_in_pages(client, kindergarten_world):
    ingrid, kindergarten = kindergarten_world.ingrid, kindergarten_world.kindergarten
    for i in range(LIST_PAGE):
        open_case(ingrid, kindergarten, first_name=f"Barn{i:02d}")
    client.force_login(kindergarten_world.leader)
    first, second = listed(client, "apne"), listed(client, "apne", side=2)
    assert len(first) == LIST_PAGE and len(second) == 5
    assert not set(first) & set(second)
    html = client.get(reverse("dashboards:service_list", args=["apne"])).text
    assert 'href="?side=2"' in html


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_dashboard_and_its_lists_keep_their_query_count_as_data_grows(
    client, kindergarten_world, django_assert_max_num_queries
):
    client.force_login(kindergarten_world.leader)
    urls = [
        (reverse("dashboards:service"), None),
        (reverse("dashboards:service_list", args=["apne"]), None),
        (reverse("dashboards:service_list", args=["venter-pa-overtakelse"]), None),
        (reverse("dashboards:service_list", args=["evaluering-forfalt"]), None),
    ]
    client.get(urls[0][0])  # the session is renewed at most once a minute: not counted below
    small = [_queries(client, url, params) for url, params in urls]
    ingrid, kindergarten = kindergarten_world.ingrid, kindergarten_world.kindergarten
    for i in range(LIST_PAGE + 20):
        case = open_case(ingrid, kindergarten, first_name=f"Barn{i:02d}")
        update(case, level=i % 4, step_code=f"{i % 4}.1")
    grown = [_queries(client, url, params) for url, params in urls]
    assert grown == small, (small, grown)
    # session, user, second factor, memberships, guide, its contacts, then the dashboard: the
    # counts, the counts per step, the levels and their steps; a list: its page of cases and
    # its audit event; + SAVEPOINT/RELEASE of the request's transaction.
    for url, params in urls:
        with django_assert_max_num_queries(12):
            client.get(url, params)


def test_leaders_find_their_dashboard_from_the_start_page_and_the_menu(client, kindergarten_world):
    client.force_login(kindergarten_world.leader)
    start = client.get(reverse("start")).text
    assert start.count('href="/oversikt/tjeneste/"') == 2  # the menu and the leader's section
    page = client.get(reverse("dashboards:service")).text
    assert '<a class="ds-link" href="/oversikt/tjeneste/" aria-current="page">' in page
    assert "Kommuneoversikt" not in page
    client.force_login(kindergarten_world.ingrid)
    assert "/oversikt/" not in client.get(reverse("start")).text


def test_a_leader_whose_membership_has_ended_sees_no_numbers(client, kindergarten_world):
    import datetime as dt

    from django.utils import timezone

    from bts.models import Membership

    leader = kindergarten_world.leader
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Membership.objects.filter(user=leader).update(valid_to=yesterday)
    client.force_login(leader)
    assert client.get(reverse("dashboards:service")).status_code == 403
    response = client.get(reverse("dashboards:service_list", args=["apne"]))
    assert response.status_code == 403 and "Fjellstuen" not in response.text
