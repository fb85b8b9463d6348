"""Familiehjelpa in the browser: a school calls on a family's behalf, and the team leader takes it
from the phone to a family contact; then axe-core on the team leader's main pages.

Siri (familiehjelpa's team leader) first tries to register the school's call without the
family's consent and is told why not; with the parents' oral consent she registers it, moves it
to mapping on the board (htmx), fills in the mapping form, books a conversation with the family
(a trusted person comes, the school is invited), fills in DUKEN with the family's words and
connects Ole as family contact. A teacher's anonymous advice call is recorded with no name.
Ole logs in and finds the family on his start page, and the child's case behind it.
"""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from bts.models import Role, Service
from bts.services import membership_grant
from familiehjelpa import services
from familiehjelpa.models import AdviceCall, Inquiry
from tests.factories import PASSWORD, ServiceFactory, UserFactory

from .helpers import form_field, login, login_with_session, logout, wait_for_htmx
from .test_accessibility import assert_no_serious_violations

pytestmark = [pytest.mark.e2e]

ABOUT = "Emma har vært borte fra skolen tolv dager i høst. Mor ønsker hjelp til å få oversikt."
DREAM = "At Emma gleder seg til å gå på skolen igjen."
NOW = "Ole ringer kontaktlæreren og avtaler et møte med Emma og mor."


@pytest.fixture
def familiehjelpa(active_guide, eikebakken):
    fh = ServiceFactory(name="Familiehjelpa", kind=Service.Kind.FAMILIEHJELPA)
    leader = UserFactory(username="familiehjelpa", first_name="Siri", last_name="Haugen")
    membership_grant(user=leader, role=Role.FAMILIEHJELPA_LEADER, service=fh)
    contact = UserFactory(username="familiekontakt", first_name="Ole", last_name="Bakke")
    membership_grant(user=contact, role=Role.FAMILY_CONTACT, service=fh)
    return fh


def column(page: Page, label: str):
    return page.get_by_role("region", name=re.compile(rf"^{re.escape(label)} \d+$"))


def test_from_the_schools_call_to_a_family_contact(
    page: Page, live_server, browser_log, familiehjelpa
):
    when = timezone.localtime() + timedelta(days=3)

    # --- 1. Siri registers the school's call; without consent it is refused ----------------------
    login(page, live_server, "familiehjelpa", PASSWORD)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Familiehjelpa"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Henvendelser til familiehjelpa")
    page.get_by_role("link", name="Ny henvendelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny henvendelse")
    page.get_by_role("group", name=re.compile("^Hvem henvender seg")).get_by_label(
        "En tjeneste på vegne av familien", exact=True
    ).check()
    form_field(page, "Tjenesten som henvender seg").select_option(label="Eikebakken skole")
    form_field(page, "Hva gjelder henvendelsen").fill(ABOUT)
    caller = page.get_by_role("group", name="Hvem henvendte seg")
    form_field(caller, "Navn").fill("Per Lærer")
    form_field(caller, "Rolle eller relasjon").fill("kontaktlærer")
    form_field(caller, "Telefon").fill("911 11 111")
    child = page.get_by_role("group", name="Barnet", exact=True)
    form_field(child, "Fornavn").fill("Emma")
    form_field(child, "Etternavn").fill("Hansen")
    form_field(child, "Fødselsdato").fill("2015-03-14")
    guardian = page.get_by_role("group", name="Foresatt 1")
    form_field(guardian, "Navn").fill("Lise Hansen")
    form_field(guardian, "Relasjon til barnet").fill("mor")
    page.get_by_role("button", name="Registrer henvendelsen").click()

    consent = page.get_by_role("group", name=re.compile("^Familiens samtykke"))
    expect(consent).to_have_accessible_description(
        re.compile(
            "Eikebakken skole henvender seg på vegne av familien. Det krever familiens samtykke"
        )
    )
    assert not Inquiry.objects.exists()
    browser_log.assert_clean("refused without consent")

    # --- 2. With the mother's oral consent it is registered ---------------------------------------
    consent.get_by_label("Muntlig", exact=True).check()
    form_field(page, "Notat om det muntlige samtykket").fill(
        "Mor samtykket på telefon til kontaktlæreren i dag; formålet ble forklart."
    )
    page.get_by_role("group", name=re.compile("^Opplysninger som kan deles")).get_by_label(
        "Trivsel, utvikling og læring"
    ).check()
    page.get_by_role("button", name="Registrer henvendelsen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Henvendelse \d+: Emma Hansen$")
    )
    expect(page.get_by_role("status").first).to_contain_text("Henvendelsen er registrert.")
    inquiry = Inquiry.objects.get()
    assert inquiry.links.get().case.consents.get().form == "oral"

    # --- 3. On the board, the card moves to mapping without a page load ---------------------------
    page.get_by_role("link", name="Henvendelser til familiehjelpa").click()
    card = column(page, "Ny").get_by_role("article")
    expect(card).to_contain_text("Emma Hansen")
    card.get_by_role("button", name=re.compile("^Til kartlegging")).click()
    wait_for_htmx(page)
    expect(column(page, "Kartlegging").get_by_role("article")).to_contain_text("Emma Hansen")
    expect(column(page, "Ny")).to_contain_text("Ingen.")
    browser_log.assert_clean("moved on the board")

    # --- 4. The mapping form: a family contact is to be connected at once -------------------------
    column(page, "Kartlegging").get_by_role("link", name="Emma Hansen").click()
    page.get_by_role("link", name="Kartleggingsskjema").click()
    form_field(page, "Hva familien ønsker hjelp til").fill("Oversikt og hjelp med skolefraværet.")
    form_field(page, "Barnets stemme").fill("Emma vil ha én voksen å snakke med på skolen.")
    form_field(page, "Familien vet om henvendelsen").check()
    page.get_by_role("group", name=re.compile("^Beslutning")).get_by_label(
        "Familiekontakt kobles på straks"
    ).check()
    page.get_by_role("button", name="Lagre kartleggingen").click()
    expect(page.get_by_role("status").first).to_contain_text("Kartleggingsskjemaet er lagret.")

    # --- 5. A conversation with the family: a trusted person comes, the school is invited ---------
    page.get_by_role("navigation", name="Arbeid med henvendelsen").get_by_role(
        "link", name="Avtal samtale"
    ).click()
    form_field(page, "Dato og klokkeslett").fill(f"{when:%Y-%m-%d}T13:00")
    form_field(page, "Sted").fill("Familiehjelpa, rådhuset")
    form_field(page, "Fra familien").fill("Lise Hansen og Emma")
    form_field(page, "Tillitsperson").fill("Tante Randi")
    page.get_by_label("Eikebakken skole", exact=True).check()
    page.get_by_role("button", name="Avtal samtalen").click()
    expect(page.get_by_role("status").first).to_contain_text("Samtalen er avtalt.")
    state = page.get_by_role("region", name="Status", exact=True)
    expect(state).to_contain_text("Samtale avtalt")
    expect(page.get_by_role("region", name="Samtaler med familien")).to_contain_text(
        "tillitsperson: Tante Randi"
    )

    # --- 6. DUKEN, in the family's words ---------------------------------------------------------
    page.get_by_role("navigation", name="Arbeid med henvendelsen").get_by_role(
        "link", name="DUKEN"
    ).click()
    form_field(page, "Planen til").fill("Familien Hansen")
    form_field(page, "Skole og utdanning").fill("Emma har vært mye borte i høst.")
    form_field(page, "Det jeg/vi drømmer om").fill(DREAM)
    form_field(page, "Det er jeg/vi god på").fill("Vi er gode til å snakke sammen.")
    form_field(page, "Det som er vanskelig").fill("Morgenene.")
    form_field(page, "Det vi skal gjøre nå").fill(NOW)
    form_field(page, "På kort sikt").fill("Emma er på skolen fire av fem dager.")
    form_field(page, "På kort sikt innen").fill(f"{when + timedelta(days=30):%Y-%m-%d}")
    page.get_by_role("button", name="Lagre DUKEN").click()
    expect(page.get_by_role("status").first).to_contain_text("DUKEN er lagret (versjon 1).")
    expect(form_field(page, "Det jeg/vi drømmer om")).to_have_value(DREAM)
    page.get_by_role("region", name="Versjoner").get_by_role("link", name="Versjon 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DUKEN – planen til Familien Hansen")
    expect(page.locator("article")).to_contain_text(NOW)
    browser_log.assert_clean("DUKEN")

    # --- 7. Ole becomes the family contact: the pool shows each contact's caseload ---------------
    page.get_by_role("link", name=re.compile("^DUKEN – henvendelse")).click()
    page.get_by_role("link", name=re.compile(r"^Henvendelse \d+$")).click()
    page.get_by_role("navigation", name="Arbeid med henvendelsen").get_by_role(
        "link", name="Tildel familiekontakt"
    ).click()
    page.get_by_label("Ole Bakke – følger 0 familier nå").check()
    page.get_by_role("button", name="Tildel").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Ole Bakke er familiekontakt for familien."
    )
    expect(state).to_contain_text("Familiekontakt tildelt")
    expect(state).to_contain_text("Ole Bakke")

    # --- 8. A teacher's anonymous advice call: counted, and no name is stored --------------------
    page.get_by_role("link", name="Henvendelser til familiehjelpa").click()
    page.get_by_role("link", name="Drøftingstelefon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drøftingstelefon")
    for label in ("Navn", "Rolle eller relasjon", "Fornavn", "Etternavn", "Fødselsdato"):
        expect(page.get_by_label(label, exact=True)).to_have_count(0)
    form_field(page, "Den som ringte jobber i").select_option(label="Skole")
    page.get_by_role("group", name=re.compile("^Tema")).get_by_label("Skolefravær").check()
    form_field(page, "Hva ble drøftet, og hvilke råd ble gitt").fill(
        "Rådet læreren til å snakke med foreldrene først."
    )
    page.get_by_role("button", name="Registrer drøftingen").click()
    expect(page.get_by_role("status").first).to_contain_text("Drøftingen er registrert og telles")
    call = AdviceCall.objects.get()
    assert (call.caller_kind, call.topics) == ("school", ["attendance"])
    page.get_by_role("link", name="Tall").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Familiehjelpa i tall")
    advice = page.locator(".bts-stats > div").filter(has_text="Drøftingstelefon (anonyme)")
    expect(advice.locator("dd")).to_have_text("1")
    browser_log.assert_clean("team leader's part")
    logout(page)

    # --- 9. Ole finds the family on his start page, and the child's case behind it ---------------
    login(page, live_server, "familiekontakt", PASSWORD)
    families = page.get_by_role("region", name="Familier jeg følger")
    expect(families).to_contain_text("Emma Hansen")
    expect(families).to_contain_text(f"samtale {when:%d.%m.%Y} 13:00")
    families.get_by_role("link", name="Emma Hansen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Emma Hansen")
    page.get_by_role("link", name="Saken om Emma Hansen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saken om Emma Hansen")
    expect(page.get_by_role("region", name="Stafettlogg")).to_contain_text(
        "Familiekontakt fra Familiehjelpa: Ole Bakke."
    )
    browser_log.assert_clean("the family contact")


# --- Accessibility -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def inquiry(familiehjelpa, eikebakken):
    """A school's inquiry with consent, mapped, with a conversation and a version of DUKEN."""
    from bts.models import User
    from cases import services as case_services

    leader = User.objects.get(username="familiehjelpa")
    inquiry = services.inquiry_register(
        user=leader,
        service=familiehjelpa,
        received_at=timezone.now(),
        channel="phone",
        source="service",
        referring_service=eikebakken,
        caller=services.Caller("Per Lærer", "kontaktlærer"),
        about=ABOUT,
        child=services.NewChild(
            child=case_services.ChildData(
                "Emma", "Hansen", timezone.localdate() - timedelta(days=3650)
            ),
            guardians=(case_services.GuardianData("Lise Hansen", "mor"),),
        ),
        consent=services.ConsentData(
            form="oral", information=("wellbeing",), oral_note="Mor samtykket på telefon."
        ),
    )
    services.mapping_save(
        inquiry=inquiry, user=leader, data={"help_wanted": "Oversikt."}, version=0
    )
    services.conversation_book(
        inquiry=inquiry,
        user=leader,
        starts_at=timezone.now() + timedelta(days=2),
        place="Rådhuset",
        family_attendees="Mor og Emma",
        trusted_person="Tante Randi",
    )
    services.duken_save(
        inquiry=inquiry,
        user=leader,
        data={"plan_for": "Familien Hansen", "held_on": timezone.localdate(), "dreams": DREAM},
        based_on=0,
    )
    services.advice_call_record(
        user=leader,
        service=familiehjelpa,
        received_at=timezone.now(),
        channel="phone",
        topics=["attendance"],
    )
    return inquiry


def _board(page: Page) -> None:
    expect(column(page, "Samtale avtalt").get_by_role("article")).to_contain_text("Emma Hansen")


def _inquiry(page: Page) -> None:
    expect(page.get_by_role("region", name="Samtaler med familien")).to_contain_text("Tante Randi")


def _duken(page: Page) -> None:
    expect(form_field(page, "Planen til")).to_have_value("Familien Hansen")
    expect(form_field(page, "Det jeg/vi drømmer om")).to_have_value(DREAM)


def _numbers(page: Page) -> None:
    advice = page.locator(".bts-stats > div").filter(has_text="Drøftingstelefon (anonyme)")
    expect(advice.locator("dd")).to_have_text("1")


@pytest.mark.parametrize(
    ("path", "heading", "state"),
    [
        ("/familiehjelpa/", "Henvendelser til familiehjelpa", _board),
        ("/familiehjelpa/{pk}/", "Henvendelse {pk}: Emma Hansen", _inquiry),
        ("/familiehjelpa/{pk}/duken/", "DUKEN", _duken),
        ("/familiehjelpa/tall/", "Familiehjelpa i tall", _numbers),
    ],
    ids=["board", "inquiry", "duken", "numbers"],
)
def test_familiehjelpa_pages_are_accessible(
    page: Page, live_server, browser_log, axe, inquiry, path, heading, state
):
    from bts.models import User

    login_with_session(page, live_server, User.objects.get(username="familiehjelpa"))
    page.goto(f"{live_server.url}{path.format(pk=inquiry.pk)}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading.format(pk=inquiry.pk))
    state(page)  # each page shows what it is there for before axe looks at it
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()
