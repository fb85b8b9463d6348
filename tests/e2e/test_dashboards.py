"""The leaders' dashboards in the browser: the municipal leader finds the pyramid with its four
counts (one suppressed), and axe-core finds no serious or critical violation on the dashboards
and on a list behind a number."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from bts.models import Role, Service
from cases import services
from cases.models import Case
from tests.factories import UserFactory, grant

from .helpers import login_with_session
from .test_accessibility import assert_no_serious_violations

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def open_cases(active_guide, ansatt):
    """Solsikken barnehage's open cases: 6 at nivå 0, 5 at nivå 1, 2 at nivå 2, none at nivå 3."""
    kindergarten = Service.objects.get(name="Solsikken barnehage")
    for i, level in enumerate([0] * 6 + [1] * 5 + [2] * 2):
        child = services.child_create(
            user=ansatt,
            child=services.ChildData(f"Barn{i}", "Fjellstuen", timezone.localdate().replace(2019)),
        )
        case = services.case_open(
            user=ansatt,
            service=kindergarten,
            child=child,
            concern=services.ConcernData(
                observation="Sovner i samlingsstunden.",
                observed_on=timezone.localdate(),
                setting="Samlingsstund",
                worry=2,
            ),
        )
        Case.objects.filter(pk=case.pk).update(level=level, step_code=f"{level}.1")
    return kindergarten


@pytest.fixture
def kommunalsjef(transactional_db):
    user = UserFactory(username="kommunalsjef", first_name="Siri")
    grant(user, Role.MUNICIPAL_LEADER)
    return user


def test_municipal_leader_finds_the_pyramid_with_its_four_counts(
    page: Page, live_server, browser_log, axe, open_cases, kommunalsjef
):
    login_with_session(page, live_server, kommunalsjef)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Oversikt for kommunen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt for kommunen")
    pyramid = page.get_by_role("img", name="BTS-pyramiden")
    expect(pyramid).to_be_visible()
    labels = pyramid.locator("text")
    expect(labels).to_have_text(["Nivå 0: 6", "Nivå 1: 5", "Nivå 2: <5", "Nivå 3: 0"])
    chart = page.get_by_role("img", name="Nye og avsluttede saker per måned")
    expect(chart).to_be_visible()
    expect(page.get_by_role("table", name="Saker og beslutninger per måned")).to_be_visible()
    expect(page.get_by_text("Fjellstuen")).to_have_count(0)
    assert_no_serious_violations(axe, page)

    this_month = f"{timezone.localdate():%Y-%m}"
    page.get_by_label("Fra måned", exact=True).fill(this_month)
    page.get_by_label("Tjenestetype", exact=True).select_option(label="Barnehage")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_role("status")).to_contain_text("barnehage")
    row = page.get_by_role("row", name=re.compile("^Barnehage"))
    expect(row.get_by_role("cell")).to_have_text(["6", "5", "<5", "0", "skjult"])
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()


def test_service_dashboard_and_a_list_behind_a_number_are_accessible(
    page: Page, live_server, browser_log, axe, open_cases, leder
):
    login_with_session(page, live_server, leder)
    page.goto(f"{live_server.url}/oversikt/tjeneste/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt for tjenesten")
    expect(page.get_by_role("img", name="BTS-pyramiden").locator("text")).to_have_text(
        ["Nivå 0: 6", "Nivå 1: 5", "Nivå 2: 2", "Nivå 3: 0"]
    )
    assert_no_serious_violations(axe, page)

    page.get_by_role("link", name="2 saker på nivå 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Åpne saker: nivå 2")
    expect(page.get_by_role("table").get_by_role("link")).to_have_text(
        ["Barn11 Fjellstuen", "Barn12 Fjellstuen"]
    )
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()
