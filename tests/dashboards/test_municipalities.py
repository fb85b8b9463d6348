"""Each municipality's leaders see their own children's figures: those of a shared service
hosted elsewhere included, never another municipality's."""

import pytest
from django.urls import reverse

from bts.models import Role
from dashboards.selectors import municipal_dashboard
from dashboards.stats import TOTAL, Period
from levels.selectors import guide_levels
from tests.factories import MunicipalityFactory, ServiceFactory, home_municipality

from .conftest import open_case, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(guide):
    """Six open cases of A's children, four of them held by a barnevern hosted by B; two of
    B's children. A and B follow the same guide here."""
    a, b = home_municipality(), MunicipalityFactory(number="4699", name="Fjordvik kommune")
    from levels.loader import load_guide
    from tests.conftest import GUIDES

    load_guide(GUIDES / "ovre-eiker.toml", municipality=b)
    kindergarten = ServiceFactory(name="Solsikken barnehage")
    shared = ServiceFactory(name="Fjord barnevern", kind="child_protection", municipality=b)
    shared.partner_municipalities.add(a)
    own = ServiceFactory(name="Fjordvik barnehage", municipality=b)
    a_staff, shared_staff = user_with(Role.EMPLOYEE, kindergarten), user_with(Role.EMPLOYEE, shared)
    b_staff = user_with(Role.EMPLOYEE, own)
    for _ in range(2):
        open_case(a_staff, kindergarten)
    for _ in range(4):
        open_case(shared_staff, shared, municipality=a)
    for _ in range(2):
        open_case(b_staff, own)
    return a, b


def _total(guide, municipality) -> str:
    dashboard = municipal_dashboard(
        period=Period.last_months(12),
        kind=TOTAL,
        levels=list(guide_levels(guide)),
        municipality_id=municipality.pk,
    )
    return dashboard.levels[0][2].text


def test_each_municipality_counts_its_own_children_only(two, guide):
    a, b = two
    # A's six: its own kindergarten's two and the four the shared barnevern hosted by B holds.
    assert _total(guide, a) == "6"
    # B's two are under five, so suppressed; never A's six nor the installation's eight.
    assert _total(guide, b) not in ("6", "8", "2")


def test_the_municipal_leader_sees_their_municipalitys_figures(two, client, guide):
    _a, _b = two
    leader = user_with(Role.MUNICIPAL_LEADER)  # A's
    client.force_login(leader)
    page = client.get(reverse("dashboards:municipal")).text.replace(" ", "")
    # A's six open cases at nivå 0 are shown; the installation's eight are not.
    assert ">6<" in page
    assert ">8<" not in page


def test_one_leaders_page_counts_the_stale_months_of_every_municipality(two, client):
    """The recount a page starts is for the whole installation, though the page's request sees
    only its leader's municipality: another municipality's figures are counted too, not left
    out (their month would no longer be marked to count)."""
    from dashboards.figures import OPENED
    from dashboards.models import MonthlyFigure, StaleMonth

    a, b = two
    assert StaleMonth.objects.exists() and not MonthlyFigure.objects.exists()
    client.force_login(user_with(Role.MUNICIPAL_LEADER))  # A's
    assert client.get(reverse("dashboards:municipal")).status_code == 200
    assert not StaleMonth.objects.exists()
    opened = MonthlyFigure.objects.filter(series=OPENED)
    assert sum(opened.filter(municipality=a).values_list("n", flat=True)) == 6
    assert sum(opened.filter(municipality=b).values_list("n", flat=True)) == 2


def test_the_start_pages_pyramid_is_the_municipalitys_too(two, client, guide):
    client.force_login(user_with(Role.MUNICIPAL_LEADER))  # A's
    page = client.get(reverse("start")).text
    pyramid = page.split('<desc id="pyramid-desc">')[1].split("</desc>")[0]
    assert ": 6." in pyramid and ": 8." not in pyramid


def test_open_cases_are_counted_from_the_index_alone(two):
    """COUNT(*) over (municipality, status, owner_service, level): asking for the id (not in
    that index) made the planner read every open case of the installation at national size;
    and only the owning services' kinds are read, not every service's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboards.selectors import open_cases_table
    from levels.selectors import active_guide

    a, _b = two
    with CaptureQueriesContext(connection) as ctx:
        open_cases_table(guide_levels(active_guide(a.pk)), a.pk)
    counting, kinds = (q["sql"] for q in ctx.captured_queries)
    assert "COUNT(*)" in counting and '"cases_case"."municipality_id" = ' in counting
    assert '"bts_service"."id" IN' in kinds
