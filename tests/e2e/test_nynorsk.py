"""Once in nynorsk: Fjordvik's guide (fictional, language form "nn", "uro", "BTI"). An employee
opens the case, sees what the step requires, ticks its checklist and completes the step; the
page is nynorsk and says the guide's words."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bts.models import Service
from cases import services
from levels.loader import load_guide
from levels.selectors import guide_step
from tests.conftest import GUIDES

from .helpers import login_with_session

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def fjordvik(transactional_db):
    return load_guide(GUIDES / "fjordvik.toml")


def test_a_step_in_nynorsk_under_fjordviks_guide(
    page: Page, live_server, browser_log, fjordvik, ansatt
):
    # A kindergarten of another municipality that serves Fjordvik too: Emma is a Fjordvik
    # child, so her case is in Fjordvik's guide and nynorsk.
    kindergarten = Service.objects.get(name="Solsikken barnehage")
    kindergarten.partner_municipalities.add(fjordvik.municipality)
    child = services.child_create(
        user=ansatt,
        child=services.ChildData("Emma", "Hansen", timezone.localdate().replace(year=2020)),
        municipality=fjordvik.municipality,
        guardians=[services.GuardianData("Lise Hansen", "mor")],
    )
    case = services.case_open(
        user=ansatt,
        service=kindergarten,
        child=child,
        concern=services.ConcernData("Emma gret i garderoben.", timezone.localdate(), "Ute", 2),
    )
    step = guide_step(fjordvik, case.step_code)
    login_with_session(page, live_server, ansatt)

    page.goto(f"{live_server.url}/saker/{case.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Saka om Emma Hansen")
    expect(page).to_have_title(re.compile(r"– BTI Fjordvik kommune$"))
    expect(page.get_by_role("heading", name="Uroa", exact=True)).to_be_visible()
    requirements = page.locator("#requirements")
    expect(requirements.get_by_role("heading", name="Trinnet krev")).to_be_visible()
    expect(requirements).to_contain_text("(står att)")
    browser_log.assert_clean("case page")

    # Completing the step before its checklist is ticked: the reason is asked for at the field.
    page.get_by_role("button", name=f"Trinn {step.code} er gjort").click()
    expect(page.locator("#id_skip_reason_error")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nn")

    checklist = page.locator("#checklist")
    for item in step.checklist_items:
        with page.expect_response(re.compile(r"/sjekkliste/")):
            checklist.get_by_label(item, exact=True).check()
    expect(requirements).to_contain_text("(gjort)")
    page.get_by_role("button", name=f"Trinn {step.code} er gjort").click()
    expect(page).to_have_url(f"{live_server.url}/saker/{case.pk}/")
    case.refresh_from_db()
    assert case.step_code != step.code
    following = guide_step(fjordvik, case.step_code)
    expect(page.locator("#step-title")).to_contain_text(f"{following.code} {following.title}")
    browser_log.assert_clean("after the step")
