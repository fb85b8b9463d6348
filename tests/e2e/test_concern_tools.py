"""The undring form with the toolbox inline: the worry scale's steps described at each choice,
the factor checklists, the guidance one click away; axe-core finds nothing serious."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from toolbox.services import toolbox_load

from .conftest import GUIDE_FILE
from .helpers import form_field, login_with_session
from .test_accessibility import assert_no_serious_violations

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def test_an_undring_with_the_scale_and_the_checklists(
    page: Page, live_server, browser_log, axe, active_guide, ansatt, emma
):
    toolbox_load(path=GUIDE_FILE.parents[1] / "verktoy" / "ovre-eiker.toml")
    login_with_session(page, live_server, ansatt)
    page.goto(f"{live_server.url}/saker/ny/barn/{emma.pk}/registrer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Undring: Emma Hansen")
    worry = page.get_by_role("group", name=re.compile("^Hvor bekymret er du"))
    quite = worry.get_by_role("radio", name="3 Ganske bekymret")
    expect(quite).to_have_accessible_description(re.compile("det trengs tiltak"))
    expect(page.get_by_role("link", name="Bekymringsskala barn")).to_be_visible()
    assert_no_serious_violations(axe, page)

    form_field(page, "Hva har du sett eller hørt?").fill("Emma gråter ved levering.")
    form_field(page, "I hvilken situasjon").fill("I garderoben")
    quite.check()
    # The checklists are folded until opened.
    risks = page.get_by_role("group", name=re.compile("^Risikofaktorer du ser"))
    expect(risks).to_be_hidden()
    page.locator(".bts-fold__summary", has_text="Risikofaktorer du ser").click()
    absent = risks.get_by_role("checkbox", name="Mye fravær fra barnehage eller skole")
    absent.check()
    # From the keyboard, the focused choice shows focus, not only its group (WCAG 2.4.7).
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(absent).to_be_focused()
    outline = "e => getComputedStyle(e).outlineStyle"
    assert absent.locator("xpath=..").evaluate(outline) == "solid"  # its .bts-choice
    assert risks.locator("xpath=..").evaluate(outline) == "none"  # the group's .bts-field
    page.locator(".bts-fold__summary", has_text="Beskyttelsesfaktorer du ser").click()
    protective = page.get_by_role("group", name=re.compile("^Beskyttelsesfaktorer du ser"))
    protective.get_by_role("checkbox", name="Har minst én venn").check()
    page.get_by_role("button", name="Registrer undringen").click()

    concern = page.get_by_role("region", name="Undringen")
    expect(concern.get_by_role("listitem")).to_have_text(
        ["Mye fravær fra barnehage eller skole", "Har minst én venn"]
    )
    browser_log.assert_clean()
