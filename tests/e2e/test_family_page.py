"""The family's pages on a phone (360 px wide): nothing wider than the screen, touch targets of
a finger's size, and axe-core finds no serious or critical violation, signed out and signed in."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.family.sessions import family_session_key

from .test_accessibility import assert_no_serious_violations, axe  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e]

PHONE = {"width": 360, "height": 740}
FINGER = 44  # px: WCAG 2.5.5's target size


def as_family(page: Page, live_server, **data) -> None:
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": family_session_key(**data),
                "domain": urlsplit(live_server.url).hostname,
                "path": "/",
                "httpOnly": True,
                "secure": settings.SESSION_COOKIE_SECURE,
                "sameSite": settings.SESSION_COOKIE_SAMESITE or "Lax",
            }
        ]
    )


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


def test_the_family_s_pages_on_a_phone(page: Page, live_server, browser_log, axe, case_at_level_3):  # noqa: F811
    case = case_at_level_3.case
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/familie/")
    expect(page.get_by_role("heading", level=1)).to_have_text("For familier")
    fits_the_screen(page)
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean("sign-in page")

    as_family(
        page,
        live_server,
        municipality_id=case.municipality_id,
        guardians=list(case.child.guardians.values_list("pk", flat=True)),
        children=[case.child_id],
    )
    page.goto(f"{live_server.url}/familie/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Din side")
    fits_the_screen(page)
    sign_out = page.get_by_role("button", name="Logg ut").last
    assert sign_out.bounding_box()["height"] >= FINGER
    assert_no_serious_violations(axe, page)

    page.locator("#family-children").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saken om Emma")
    expect(page.locator("#family-measures")).to_contain_text("Fast voksen tar imot Emma")
    fits_the_screen(page)
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean("the family's case page")
