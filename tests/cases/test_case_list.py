"""The case list: each user's own cases (a leader's: the services they lead), filtered, in
keyset pages of 50 whose cost does not grow with the number of cases."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bts.models import AuditEvent, Role
from cases.models import Case
from tests.cases.conftest import decide
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
URL = reverse("cases:list")


def names_on(page: str) -> list[str]:
    return re.findall(r'<a class="ds-link" href="/saker/\d+/">([^<]+)</a>', page)


def spread(cases) -> None:
    """Give each case its own last activity, the first one the most recent."""
    now = timezone.now()
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(last_activity_at=now - dt.timedelta(hours=i))


def test_an_employee_sees_only_the_cases_they_take_part_in(employee_client, make_case, make_user):
    mine = make_case(first_name="Åse")
    make_case(make_user(Role.EMPLOYEE), first_name="Bjørn")  # a colleague's

    page = employee_client.get(URL).text

    assert names_on(page) == ["Åse Hansen"]
    assert reverse("cases:detail", args=[mine.pk]) in page


def test_a_leader_sees_the_services_cases_with_filters(client, make_case, make_user, leader):
    colleague = make_user(Role.EMPLOYEE)
    first, second = make_case(first_name="Åse"), make_case(colleague, first_name="Bjørn")
    decide(second, colleague, 1, "Videre.")
    closed = make_case(first_name="Cecilie")
    from levels.rules import CLOSED

    decide(closed, closed.responsible, CLOSED, "Ferdig.")
    spread([first, second, closed])
    client.force_login(leader)

    assert names_on(client.get(URL).text) == ["Åse Hansen", "Bjørn Hansen"]
    assert names_on(client.get(URL, {"level": 1}).text) == ["Bjørn Hansen"]
    assert names_on(client.get(URL, {"status": "closed"}).text) == ["Cecilie Hansen"]
    assert len(names_on(client.get(URL, {"status": ""}).text)) == 3
    listed = AuditEvent.objects.filter(actor=leader, kind="case_list_viewed", detail="list:2")
    assert listed.exists()


def test_pages_of_fifty_reach_every_case_at_the_same_cost(employee, make_case):
    cases = [make_case(first_name=f"Barn{i:03d}") for i in range(120)]
    spread(cases)
    browser = Client()
    browser.force_login(employee)
    browser.get(reverse("start"))  # the process's copy of the guide is made once, not per page
    seen, url, counts = [], URL, []
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = browser.get(url).text
        counts.append(len(queries))
        seen += names_on(page)
        cursor = re.search(r'href="/saker/\?([^"]*etter=[^"]+)"', page)
        url = f"{URL}?{cursor.group(1).replace('&amp;', '&')}" if cursor else ""
    assert seen == [f"Barn{i:03d} Hansen" for i in range(120)]
    assert len(counts) == 3 and len(set(counts)) == 1, counts
    # session, the user (with memberships and authenticators), the led services, the page of
    # cases, the audit event, + SAVEPOINT/RELEASE in the test
    assert counts[0] <= 7


def test_more_comes_as_a_fragment_with_htmx(employee_client, make_case):
    spread([make_case(first_name=f"Barn{i:02d}") for i in range(55)])
    first = employee_client.get(URL).text
    cursor = re.search(r'hx-get="(/saker/\?[^"]+)"', first).group(1).replace("&amp;", "&")

    more = employee_client.get(
        cursor, headers={"HX-Request": "true", "HX-Target": "case-list-more"}
    )

    assert "<html" not in more.text
    assert len(names_on(more.text)) == 5
    assert "HX-Request" in more["Vary"]


def test_a_leader_of_several_services_can_choose_one(client, make_user, make_case, kindergarten):
    school = ServiceFactory(name="Eikebakken skole")
    leader = make_user(Role.LEADER)
    from bts.services import membership_grant

    membership_grant(user=leader, role=Role.LEADER, service=school)
    teacher = make_user(Role.EMPLOYEE, service=school)
    make_case(first_name="Åse")
    make_case(teacher, service=school, first_name="Bjørn")
    client.force_login(leader)

    assert len(names_on(client.get(URL).text)) == 2
    assert names_on(client.get(URL, {"service": school.pk}).text) == ["Bjørn Hansen"]


@pytest.mark.parametrize("role", [Role.MUNICIPAL_LEADER, Role.SYSTEM_ADMIN])
def test_municipal_roles_have_no_case_list(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(URL).status_code == 403


def test_each_row_names_its_step_with_the_guides_title_at_no_cost_per_row(employee, make_case):
    browser = Client()
    browser.force_login(employee)
    browser.get(reverse("start"))  # the process's copy of the guide, as a running server has it

    def shown() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            page = browser.get(URL).text
        return page, len(queries)

    make_case(first_name="Åse")
    page, few = shown()
    assert "Nivå 0 · 0.1 Undring oppstår" in page
    for i in range(12):
        make_case(first_name=f"Barn{i:02d}")
    page, many = shown()
    assert page.count("Nivå 0 · 0.1 Undring oppstår") == 13
    assert many == few
