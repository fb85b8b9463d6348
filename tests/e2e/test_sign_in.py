"""Signing in the Norwegian way, in Chromium: the demo's staff through their own municipality's
identity provider, and a guardian through ID-porten, each on the provider's own login page (the
local OpenID provider, started here with the demo's people and stopped after)."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Page, expect

from bts.isolation import unrestricted
from bts.models import IdentityProvider, User
from cases.models import Guardian
from devdata.demo_identity import PASSWORD, SECRET, SECRET_ENV, provider_entries
from devdata.idp import LocalProvider
from tests.conftest import GUIDES

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def demo_sign_in(transactional_db, settings, live_server, monkeypatch):
    """The demo (seed_demo), its providers played by the local provider for this live server."""
    settings.DEMO_MODE = True
    call_command("seed_demo", guide=GUIDES / "ovre-eiker.toml")
    with unrestricted():
        entries = provider_entries(base_url=live_server.url, ports={})
    monkeypatch.setenv(SECRET_ENV, SECRET)
    with LocalProvider(entries) as idp:
        for provider in IdentityProvider.objects.select_related("municipality"):
            family = provider.audience == IdentityProvider.Audience.FAMILY
            provider.issuer = idp.issuers["idporten" if family else provider.municipality.number]
            provider.save()
        cache.clear()
        yield idp
    cache.clear()


def sign_in_at_provider(page: Page, login: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("innlogging for ansatte")
    page.get_by_label("Brukernavn").fill(login)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


# The page after signing out is still in the person's language form.
SIGNED_OUT = {"nb": ("Du er logget ut", "Logg ut helt"), "nn": ("Du er logga ut", "Logg ut heilt")}


@pytest.mark.parametrize(
    ("municipality", "username", "language"),
    [("Øvre Eiker kommune", "ansatt", "nb"), ("Fjordvik kommune", "fjordvik-tilsett", "nn")],
)
def test_staff_sign_in_through_their_municipality_s_provider(
    page: Page, live_server, browser_log, demo_sign_in, municipality, username, language
):
    page.goto(f"{live_server.url}/logg-inn/")
    page.get_by_role("link", name=f"Logg inn med {municipality}-konto").click()
    sign_in_at_provider(page, username)

    # Back from the provider, signed in: the start page, in the municipality's language form.
    # (Whether the provider's second factor counts is tests/bts/test_sign_in.py's: demo accounts
    # need none here.)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    user = User.objects.get(username=username)
    expect(page.locator(".bts-user")).to_have_text(user.get_full_name())
    browser_log.assert_clean("start page")

    # Signing out here, then at the provider too.
    page.locator("header").get_by_role("button", name=re.compile("Logg ut")).click()
    heading, link = SIGNED_OUT[language]
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.get_by_role("link", name=link).click()
    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(f"{live_server.url}/logg-inn/")
    browser_log.assert_clean("signed out")


def test_a_guardian_signs_in_with_id_porten(page: Page, live_server, browser_log, demo_sign_in):
    with unrestricted():
        guardian = (
            Guardian.objects.filter(
                has_parental_responsibility=True, child__municipality__number="3314"
            )
            .exclude(national_id="")
            .select_related("child")
            .first()
        )
    page.goto(f"{live_server.url}/logg-inn/")
    page.get_by_role("link", name=re.compile("Logg inn med ID-porten her")).click()
    page.get_by_role("link", name="Logg inn med ID-porten – Øvre Eiker kommune").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("ID-porten (testinnlogging)")
    page.get_by_label("Fødselsnummer (testbruker)").fill(guardian.national_id)
    page.get_by_label("Innloggingsmetode").select_option("idporten-loa-high")
    page.get_by_role("button", name="Logg inn").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Din side")
    expect(page.locator("#family-children")).to_contain_text(guardian.child.first_name)
    browser_log.assert_clean("the family's page")

    # The child's case, in plain words.
    page.locator("#family-children").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Saken om {guardian.child.first_name}"
    )
    expect(page.get_by_role("heading", name="Hvor saken er nå")).to_be_visible()
    expect(page.get_by_role("heading", name="Stafettloggen")).to_be_visible()
    browser_log.assert_clean("the family's case page")

    # A family's session is not a staff session: the case list is not theirs (a 404, audited).
    response = page.goto(f"{live_server.url}/saker/")
    assert response.status == 404
    browser_log.problems.clear()  # the 404 itself, as it should be
