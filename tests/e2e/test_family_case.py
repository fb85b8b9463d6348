"""The family's own case in the browser, signed in through the local ID-porten on the demo: a
guardian reads the case, accepts a meeting, writes in the log and gives the consent the case
asked for, which waits for the other parent; the other parent gives it, and the health station
comes in; one parent withdraws it, and the health station is out at its next request. A young
person sees her own case; a step-parent without parental responsibility is refused; of two
parents of a child at a strictly confidential address, only the one under the protection sees
the case. The pages at phone size pass axe-core in Arabic too."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from bts.isolation import unrestricted
from bts.models import Role
from cases import services
from cases.models import Case, Consent
from devdata.demo_identity import guardian_number, identity_number
from tests.factories import UserFactory, grant

from .test_accessibility import assert_no_serious_violations, axe  # noqa: F401 (fixture)
from .test_family_page import FINGER, PHONE, fits_the_screen
from .test_sign_in import demo_sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e]


def sign_in_with_id_porten(page: Page, live_server, number: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/familie/")
    page.get_by_role("link", name="Logg inn med ID-porten – Øvre Eiker kommune").click()
    page.get_by_label("Fødselsnummer (testbruker)").fill(number)
    page.get_by_label("Innloggingsmetode").select_option("idporten-loa-high")
    page.get_by_role("button", name="Logg inn").click()


def only_refusals(browser_log, status: int) -> None:
    """The browser saw the refusal it should (its status, and the console's note of it), and
    nothing else."""
    problems, browser_log.problems = browser_log.problems, []
    assert problems and all(str(status) in p for p in problems), problems


def open_case(page: Page, child: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Din side")
    page.locator("#family-children").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Saken om {child}")


def test_a_guardian_s_case_consent_and_its_withdrawal(
    page: Page,
    live_server,
    browser_log,
    demo_sign_in,  # noqa: F811
):
    with unrestricted():
        emma = Case.objects.select_related("child").get(child__first_name="Emma")
        holder = emma.responsible
        health = Consent.objects.get(case=emma, pending=True).services.get()
        nurse = UserFactory(first_name="Hilde", last_name="Helsesykepleier")
        grant(nurse, Role.LEADER, health)
        meeting = services.meeting_invite(
            case=emma,
            user=holder,
            kind="samarbeidsmote",
            starts_at=timezone.now() + dt.timedelta(days=4),
            place="Solsikken barnehage",
            agenda="Emmas måltider",
            participants=[holder],
            participant_services=[emma.owner_service],
        )

    sign_in_with_id_porten(page, live_server, guardian_number("Anne Solberg"))
    open_case(page, "Emma")
    expect(page.locator("#family-holder")).to_contain_text(holder.get_full_name())
    browser_log.assert_clean("the case page")

    # The meeting ahead: they come.
    page.locator(f"#meeting-{meeting.pk}").get_by_role("button", name="Vi kommer").click()
    expect(page.get_by_text("Takk for svaret.")).to_be_visible()

    # Their own words in the log.
    page.get_by_label("Skriv i loggen").fill("Emma har fått matpakke med seg hver dag nå.")
    page.get_by_role("button", name="Lagre i loggen").click()
    expect(page.locator("#family-log")).to_contain_text("Anne Solberg (familien)")

    # The consent: read, given, and waiting for the other parent.
    consents = page.locator("#family-consents")
    expect(consents).to_contain_text("forvaltningsloven § 13 a nr. 1")
    consents.get_by_role("button", name="Jeg samtykker", exact=True).click()
    expect(consents).to_contain_text("venter på svar fra alle")
    expect(consents).to_contain_text("Tor Solberg: har ikke svart ennå")
    browser_log.assert_clean("consent given, pending")

    nurse_client = Client()
    nurse_client.force_login(nurse)
    case_url = reverse("cases:detail", args=[emma.pk])
    with unrestricted(), pytest.raises(services.ConsentMissing):
        services.service_involve(case=emma, user=holder, service=health)

    # The other parent gives it too: active, and the health station comes in.
    sign_in_with_id_porten(page, live_server, guardian_number("Tor Solberg"))
    open_case(page, "Emma")
    page.locator("#family-consents").get_by_role("button", name="Jeg samtykker", exact=True).click()
    expect(page.locator("#family-consents")).to_contain_text("gjelder fra")
    with unrestricted():
        services.service_involve(case=emma, user=holder, service=health)
    assert nurse_client.get(case_url).status_code == 200

    # Withdrawn on the family's page: the health station is out at its next request.
    page.get_by_label("Jeg vil trekke samtykket tilbake").check()
    page.get_by_role("button", name="Trekk tilbake samtykket").click()
    expect(page.locator("#family-consents")).to_contain_text("trukket tilbake")
    assert nurse_client.get(case_url).status_code == 404
    browser_log.assert_clean("consent withdrawn")


def test_who_sees_what_by_the_rules(page: Page, live_server, browser_log, demo_sign_in):  # noqa: F811
    # The young person, from the consent age: her own case.
    sign_in_with_id_porten(page, live_server, identity_number("Sara Lunde", dt.date(2010, 8, 30)))
    expect(page.locator("#family-signed-in")).to_contain_text("ungdom med egen sak")
    open_case(page, "Sara")
    browser_log.assert_clean("the young person's case")

    # A step-parent without parental responsibility: no way in.
    sign_in_with_id_porten(page, live_server, guardian_number("Ola Solberg"))
    expect(page.get_by_text("uten foreldreansvar")).to_be_visible()
    expect(page.locator("#family-children")).to_have_count(0)
    only_refusals(browser_log, 403)

    # Noah lives with his mother at a strictly confidential address: his father sees no case,
    # and a case URL is a 404.
    with unrestricted():
        noah = Case.objects.get(child__first_name="Noah")
    sign_in_with_id_porten(page, live_server, guardian_number("Tor Lie"))
    expect(page.locator("#family-children")).to_contain_text("Ingen sak å vise her nå")
    response = page.goto(f"{live_server.url}/familie/sak/{noah.pk}/")
    assert response.status == 404
    only_refusals(browser_log, 404)
    # His mother, under the same protection, does.
    sign_in_with_id_porten(page, live_server, guardian_number("Anne Lie"))
    open_case(page, "Noah")
    browser_log.assert_clean("the rules")


def test_the_family_s_case_on_a_phone_in_arabic(
    page: Page,
    live_server,
    browser_log,
    axe,  # noqa: F811
    demo_sign_in,  # noqa: F811
):
    page.set_viewport_size(PHONE)
    sign_in_with_id_porten(page, live_server, guardian_number("Anne Solberg"))
    open_case(page, "Emma")
    page.get_by_label(re.compile("Language")).select_option("ar")
    page.get_by_role("button", name="Bytt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # The consent's Norwegian text stands beside the Arabic translation.
    expect(page.locator("#family-consents [lang=nb]")).to_contain_text("forvaltningsloven")
    fits_the_screen(page)
    for button in page.locator("#family-consents button").all():
        assert button.bounding_box()["height"] >= FINGER
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean("the case page in Arabic")
