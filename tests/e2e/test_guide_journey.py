"""An employee's way from the login page through the guide to one step, and out again."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

from .helpers import LOGIN_PATH, assert_css_loaded, login

EN_DASH = "\N{EN DASH}"  # the UI writes "Nivå 0 <en dash> Tittel"

pytestmark = [
    pytest.mark.e2e,
]


def test_employee_reads_step_1_2_and_logs_out(
    page: Page, live_server, browser_log, active_guide, ansatt
):
    # Logged out, the start page sends you to the login page.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))
    assert_css_loaded(page)
    browser_log.assert_clean("login page")

    login(page, live_server, "ansatt", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Ingrid")
    assert_css_loaded(page)
    browser_log.assert_clean("start page")

    menu = page.get_by_role("navigation", name="Hovedmeny")
    menu.get_by_role("link", name="Handlingsveileder").click()
    expect(page).to_have_url(f"{live_server.url}/veileder/")
    levels = page.get_by_role("navigation", name="Nivåer i veilederen")
    for number in range(4):
        expect(
            levels.get_by_role("link", name=re.compile(f"^Nivå {number} {EN_DASH} "))
        ).to_be_visible()
        expect(
            page.get_by_role("heading", level=2, name=re.compile(f"^Nivå {number} {EN_DASH} "))
        ).to_be_visible()
    browser_log.assert_clean("guide page")

    page.get_by_role("link", name="1.2 Samarbeidsmøte med foresatte").click()
    expect(page).to_have_url(f"{live_server.url}/veileder/trinn/1.2/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("1.2")
    expect(heading).to_contain_text("Samarbeidsmøte med foresatte")
    step = page.locator("article.bts-step")
    for section in ("Situasjon", "Hva gjør du, og hvordan", "Hvem har ansvar"):
        expect(step.get_by_role("heading", level=2, name=section, exact=True)).to_be_visible()

    acute = page.locator("aside.bts-acute")
    expect(acute.get_by_role("heading", name="Akutt?")).to_be_visible()
    barnevern = acute.locator('a[href^="tel:"]', has_text="476 63 707")
    expect(barnevern).to_have_attribute("href", "tel:47663707")
    expect(acute.get_by_text("Barnevern vakttelefon").first).to_be_visible()
    for number in ("112", "02800"):
        expect(acute.locator(f'a[href="tel:{number}"]')).to_have_text(number)
    expect(acute.locator('a[href^="tel:"]', has_text="476 92 052")).to_have_attribute(
        "href", "tel:47692052"
    )
    browser_log.assert_clean("step 1.2")

    page.locator("header").get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(f"{live_server.url}{LOGIN_PATH}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    expect(page.get_by_role("button", name="Logg ut")).to_have_count(0)

    page.goto(f"{live_server.url}/veileder/")
    expect(page).to_have_url(f"{live_server.url}{LOGIN_PATH}?next=/veileder/")
    expect(page.locator("#id_username")).to_be_visible()
    browser_log.assert_clean("after logout")


def test_wrong_password_shows_norwegian_error(
    page: Page, live_server, browser_log, active_guide, ansatt
):
    login(page, live_server, "ansatt", "feil-passord-helt-feil")

    expect(page).to_have_url(f"{live_server.url}{LOGIN_PATH}")
    error = page.get_by_role("alert")
    expect(error).to_contain_text("Vennligst oppgi korrekt brukernavn og passord")
    expect(error).to_contain_text("forskjell på små og store bokstaver")
    # Still logged out: no logout button, and the start page still sends you to the login page.
    expect(page.get_by_role("button", name="Logg ut")).to_have_count(0)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))
    browser_log.assert_clean()
