"""axe-core finds no serious or critical accessibility violation on the main pages and on every
page of the case workflow, from the first undring to nivå 3.

axe is injected with page.evaluate, which goes through the DevTools protocol and is not subject
to the page's Content Security Policy, so the app's strict CSP (no inline script, no eval) stays
on here: the pages are checked exactly as users get them.
"""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from bts.models import Role
from bts.services import membership_grant
from cases import services
from cases.models import Minutes
from tests.factories import PASSWORD, home_municipality

from .conftest import GUIDE_FILE
from .helpers import form_field, login, login_with_session, logout, wait_for_htmx

pytestmark = [
    pytest.mark.e2e,
]

BLOCKING_IMPACTS = {"serious", "critical"}
TOOLBOX_FILE = GUIDE_FILE.parents[1] / "verktoy" / "ovre-eiker.toml"


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def assert_no_serious_violations(axe: Axe, page: Page) -> None:
    violations = [
        v for v in axe.run(page).response["violations"] if v.get("impact") in BLOCKING_IMPACTS
    ]
    report = []
    for v in violations:
        node = v["nodes"][0] if v["nodes"] else {}
        report.append(
            f"- {v['id']} ({v['impact']}): {v.get('help', '')}\n"
            f"    {len(v['nodes'])} node(s); first: target={node.get('target')} "
            f"html={node.get('html')}"
        )
    if violations:
        pytest.fail(f"axe violations on {page.url}:\n" + "\n".join(report), pytrace=False)


def test_login_page_is_accessible(page: Page, live_server, browser_log, axe, active_guide):
    page.goto(f"{live_server.url}/logg-inn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()


def test_two_factor_pages_are_accessible(
    page: Page, live_server, browser_log, axe, active_guide, ansatt
):
    """The setup page (first login) with a wrong code's error, then the code page."""
    page.goto(f"{live_server.url}/logg-inn/")
    page.locator("#id_username").fill("ansatt")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sett opp tofaktor")
    expect(page.get_by_role("img", name="QR-kode for autentiseringsappen")).to_be_visible()
    form_field(page, "Engangskode").fill("12")
    page.get_by_role("button", name="Bekreft og fortsett").click()
    expect(page.get_by_text("Koden er seks sifre.")).to_be_visible()
    assert_no_serious_violations(axe, page)

    logout(page)
    login(page, live_server, "ansatt", PASSWORD)  # sets up the app with the key shown
    logout(page)
    page.locator("#id_username").fill("ansatt")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Engangskode")
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Hei, Ingrid"),
        ("/veileder/", "Handlingsveileder"),
        ("/veileder/trinn/1.2/", "Samarbeidsmøte med foresatte"),
    ],
    ids=["start", "guide", "step-1.2"],
)
def test_employee_pages_are_accessible(
    page: Page, live_server, browser_log, axe, active_guide, ansatt, path, heading
):
    login(page, live_server, "ansatt", PASSWORD)
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()


# --- The case workflow --------------------------------------------------------------------------
#
# The data is made through cases.services in the fixtures (tests/e2e/conftest.py); the pages that
# only exist after a submission (field errors, the duplicate warning, the referat conflict) are
# reached through the browser's own forms. Each page first has to show what it is there for, so
# axe checks the state named in the test id and not an empty or broken page.


def _acute_question(page: Page) -> None:
    question = page.get_by_role("group", name=re.compile("^Mistenker du vold, overgrep"))
    expect(question.get_by_role("radio")).to_have_count(2)


def _acute_report(page: Page) -> None:
    expect(page.get_by_role("group", name="Barnet", exact=True)).to_be_visible()
    expect(page.get_by_role("group", name="Meldingen", exact=True)).to_be_visible()


def _child_search_hit(page: Page) -> None:
    search = page.get_by_role("search")
    form_field(search, "Navn").fill("Emma")
    search.get_by_role("button", name="Søk").click()
    expect(page.get_by_role("heading", level=2, name="Treff")).to_be_visible()
    expect(page.get_by_role("link", name="Velg Emma Hansen")).to_be_visible()


def _anonymous_form(page: Page) -> None:
    expect(form_field(page, "Drøftet med")).to_be_visible()


def _level_0_checklist(page: Page) -> None:
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^Nå: 0\.1 "))).to_be_visible()
    boxes = page.get_by_role("group", name="Sjekkliste for trinnet").get_by_role("checkbox")
    expect(boxes.first).to_be_checked()
    expect(boxes.last).not_to_be_checked()


def _level_3_case(page: Page) -> None:
    expect(
        page.get_by_role("region", name="Nivå 3: Bredt tverrfaglig samarbeid", exact=True)
    ).to_contain_text("Tilbudt og ønsket")
    expect(page.locator("#handover-offer")).to_contain_text("Ansvaret er tilbudt Marius Leder")
    expect(
        page.get_by_role("region", name="Møter", exact=True).get_by_role(
            "link", name=re.compile(r"^Referat \(versjon 1\)")
        )
    ).to_be_visible()
    expect(page.get_by_role("region", name="Tiltak", exact=True)).to_contain_text(
        "Fast voksen tar imot Emma ved levering"
    )


def _level_3_form(page: Page) -> None:
    expect(
        page.get_by_role("group", name=re.compile("^Familiehjelpa")).get_by_label(
            "Tilbudt og ønsket", exact=True
        )
    ).to_be_checked()


def _decision_choices(page: Page) -> None:
    choices = page.get_by_role("group", name=re.compile("^Beslutning")).get_by_role("radio")
    expect(choices.first).to_be_visible()
    assert choices.count() >= 2


def _minutes_form(page: Page) -> None:
    expect(
        page.get_by_text(re.compile(r"Sist lagret av Ingrid Ansatt .* \(versjon 1\)\."))
    ).to_be_visible()
    expect(form_field(page, "Felles forståelse")).to_have_value("Morgenene er vanskelige for Emma.")


def _evaluation_form(page: Page) -> None:
    expect(page.get_by_role("heading", level=2, name="Tidligere evalueringer")).to_be_visible()
    expect(page.get_by_role("group", name=re.compile("^Veien videre"))).to_be_visible()


def _handover_form(page: Page) -> None:
    expect(form_field(page, "Hvem skal overta")).to_be_visible()


def check_page(
    page: Page, live_server, browser_log, axe: Axe, path: str, heading: str, state
) -> None:
    """Open `path` and see that it loaded; `state(page)` brings the page into the state under
    test where that takes a step (a search) and checks that the page shows it; then axe."""
    page.goto(f"{live_server.url}{path}")
    browser_log.assert_clean(f"loading {path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    state(page)
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()


@pytest.mark.parametrize(
    ("path", "heading", "state"),
    [
        ("/saker/ny/", "Registrer undring", _acute_question),
        ("/saker/ny/akutt/", "Meld direkte til barnevernet", _acute_report),
        ("/saker/ny/barn/", "Hvilket barn gjelder det?", _child_search_hit),
        ("/saker/anonym-drofting/", "Anonym drøfting", _anonymous_form),
        ("/saker/{case}/", "Saken om Emma Hansen", _level_0_checklist),
    ],
    ids=["new-acute-question", "acute", "child-search-hit", "anonymous", "case-level-0"],
)
def test_registration_and_level_0_pages_are_accessible(
    page: Page, live_server, browser_log, axe, ansatt, case_at_level_0, path, heading, state
):
    login_with_session(page, live_server, ansatt)
    check_page(
        page, live_server, browser_log, axe, path.format(case=case_at_level_0.pk), heading, state
    )


@pytest.mark.parametrize(
    ("path", "heading", "state"),
    [
        ("/saker/{case}/", "Saken om Emma Hansen", _level_3_case),
        ("/saker/{case}/niva-3/", "Nivå 3: Bredt tverrfaglig samarbeid", _level_3_form),
        ("/saker/{case}/beslutning/", "Beslutning", _decision_choices),
        ("/saker/{case}/moter/{meeting}/referat/", "Referat fra Tverrfaglig team", _minutes_form),
        ("/saker/{case}/tiltak/{measure}/evaluering/", "Evaluer tiltaket", _evaluation_form),
        ("/saker/{case}/ansvar/", "Overfør oppfølgingsansvaret", _handover_form),
    ],
    ids=["case-level-3", "level-3-form", "decision", "minutes", "evaluation", "handover"],
)
def test_level_3_case_pages_are_accessible(
    page: Page, live_server, browser_log, axe, ansatt, case_at_level_3, path, heading, state
):
    data = case_at_level_3
    path = path.format(case=data.case.pk, meeting=data.meeting.pk, measure=data.measure.pk)
    login_with_session(page, live_server, ansatt)
    check_page(page, live_server, browser_log, axe, path, heading, state)


def fill_child_form(page: Page) -> None:
    child = page.get_by_role("group", name="Barnet")
    form_field(child, "Fornavn").fill("Emma")
    form_field(child, "Etternavn").fill("Hansen")
    form_field(child, "Fødselsdato").fill("2020-03-14")
    guardian = page.get_by_role("group", name="Foresatt 1")
    form_field(guardian, "Navn").fill("Lise Hansen")
    form_field(guardian, "Relasjon til barnet").fill("mor")


def test_duplicate_child_warning_is_accessible(
    page: Page, live_server, browser_log, axe, active_guide, ansatt
):
    login_with_session(page, live_server, ansatt)
    page.goto(f"{live_server.url}/saker/ny/barn/nytt/")
    fill_child_form(page)
    page.get_by_role("button", name="Registrer barnet og gå videre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undring: Emma Hansen")

    # The same child once more: the form comes back with the warning instead of a second Emma.
    page.goto(f"{live_server.url}/saker/ny/barn/nytt/")
    fill_child_form(page)
    # The guardian in common offers the first Emma as a sibling, in place (htmx), and the
    # search finds her too; no other child is named.
    offer = page.locator("#sibling-offer")
    expect(offer.get_by_role("checkbox")).to_have_accessible_name("Emma Hansen, født 14.03.2020")
    search = form_field(page, "Søk etter søsken")
    search.fill("14.03.2020")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        search.press("Enter")  # searches; the form is not sent
    expect(offer.get_by_role("checkbox")).to_have_count(1)
    expect(page.locator("#duplicates")).to_have_count(0)
    page.get_by_role("button", name="Registrer barnet og gå videre").click()
    warning = page.locator("#duplicates")
    expect(warning.get_by_role("heading", level=2)).to_have_text(
        "Kan barnet være registrert allerede?"
    )
    expect(warning).to_contain_text("Emma Hansen, 14.03.2020")
    expect(
        form_field(warning, "Dette er et annet barn enn de som er vist over")
    ).not_to_be_checked()
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()


def test_concern_form_with_errors_is_accessible(
    page: Page, live_server, browser_log, axe, active_guide, ansatt, emma
):
    login_with_session(page, live_server, ansatt)
    page.goto(f"{live_server.url}/saker/ny/barn/{emma.pk}/registrer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Undring: Emma Hansen")
    tomorrow = timezone.localdate() + timedelta(days=1)
    form_field(page, "Når").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Registrer undringen").click()

    # The summary takes focus and lists each message as a link to its field.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", level=2)).to_have_text("Noe må rettes")
    expect(summary.get_by_role("link")).to_have_count(4)
    summary.get_by_role("link", name=re.compile("^Når –")).click()
    expect(form_field(page, "Når")).to_be_focused()
    # A group of radio buttons is reached at its first choice.
    summary.get_by_role("link", name=re.compile("^Hvor bekymret")).click()
    expect(page.locator("#id_worry_0")).to_be_focused()
    # What happened, the situation and the worry are missing, and the date is in the future:
    # four messages, each beside its field and in the field's accessible description.
    errors = page.locator(".ds-validation-message")
    expect(errors).to_have_count(4)
    for i in range(4):
        expect(errors.nth(i)).to_be_visible()
    when = form_field(page, "Når")
    expect(when).to_have_attribute("aria-invalid", "true")
    expect(when).to_have_accessible_description(re.compile("Datoen kan ikke være fram i tid"))
    for label in ("Hva har du sett eller hørt?", "I hvilken situasjon"):
        expect(form_field(page, label)).to_have_attribute("aria-invalid", "true")
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()


def test_minutes_conflict_page_is_accessible(
    page: Page, live_server, browser_log, axe, ansatt, leder, case_at_level_3
):
    meeting = case_at_level_3.meeting
    path = f"/saker/{case_at_level_3.case.pk}/moter/{meeting.pk}/referat/"
    login_with_session(page, live_server, ansatt)
    page.goto(f"{live_server.url}{path}")
    _minutes_form(page)
    form_field(page, "Felles forståelse").fill("Ingrid: morgenene er vanskelige, resten går bra.")

    # Marius saves the referat after Ingrid opened it: her form (version 1) is now stale.
    saved = Minutes.objects.get(meeting=meeting)
    services.minutes_save(
        meeting=meeting,
        user=leder,
        data=saved.sections() | {"shared_understanding": "Marius: det gjelder bare morgenene."},
        version=saved.version,
    )
    browser_log.assert_clean("minutes page, before the stale save")
    url = f"{live_server.url}{path}"
    with (
        page.expect_response(lambda r: r.request.method == "POST" and r.url == url) as answer,
        page.expect_console_message(lambda m: m.type == "error" and "409" in m.text),
    ):
        page.get_by_role("button", name="Lagre referatet").click()
    assert answer.value.status == 409
    expect(page.get_by_role("heading", level=1)).to_have_text("Referatet er endret av en annen")
    expect(page.get_by_role("region", name="Felles forståelse")).to_be_visible()

    # The 409 Conflict is the page under test, not a fault. BrowserLog records every HTTP status
    # >= 400, and Chromium logs the 409 as a console error too: take exactly those two out of
    # the log, deliberately, and let anything else fail as usual.
    for expected in (
        f"HTTP 409 for POST {url}",
        f"console error on {url}: "
        "Failed to load resource: the server responded with a status of 409 (Conflict)",
    ):
        assert expected in browser_log.problems, (expected, browser_log.problems)
        browser_log.problems.remove(expected)
    assert_no_serious_violations(axe, page)
    browser_log.assert_clean()


# --- The toolbox, the catalogue and the contacts ------------------------------------------------


@pytest.fixture
def toolbox_data(transactional_db, active_guide):
    """Øvre Eiker's toolbox, the example catalogue (through the real import) and contacts."""
    from tests.factories import UserFactory
    from toolbox.examples import EXAMPLE_CONTACTS, example_workbook
    from toolbox.selectors import catalogue_plan
    from toolbox.services import (
        catalogue_import_apply,
        catalogue_import_prepare,
        contact_ensure,
        toolbox_load,
    )

    toolbox_load(path=TOOLBOX_FILE)
    admin = UserFactory(username="admin", first_name="Per")
    membership_grant(user=admin, role=Role.SYSTEM_ADMIN)
    pending = catalogue_import_prepare(
        municipality_id=home_municipality().pk,
        file_name="tiltak.xlsx",
        data=example_workbook(),
        user=admin,
    )
    catalogue_import_apply(
        catalogue_import=pending,
        digest=catalogue_plan(pending.rows, pending.municipality_id).digest,
        user=admin,
    )
    for i, (category, name, phone, hours, note) in enumerate(EXAMPLE_CONTACTS):
        contact_ensure(
            municipality=home_municipality(),
            category=category,
            name=name,
            phone=phone,
            hours=hours,
            note=note,
            position=i,
        )
    return admin


def _tool_list(page: Page) -> None:
    expect(page.get_by_role("link", name="8. Undringsskjemaer")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Når barnet kan være i fare")).to_be_visible()


def _worry_scale(page: Page) -> None:
    scale = page.get_by_role("region", name="Skalaen")
    expect(scale.get_by_role("heading", level=3)).to_have_count(4)
    expect(page.get_by_role("link", name=re.compile(r"^0\.4 "))).to_be_visible()


def _factor_checklist(page: Page) -> None:
    expect(page.get_by_role("region", name="Sjekkliste")).to_contain_text("Trygg bolig")


def _catalogue_filtered(page: Page) -> None:
    expect(page.get_by_role("status")).to_contain_text("15 tiltak")
    form_field(page.get_by_role("search"), "Søk").fill("familiehjelpa")
    wait_for_htmx(page)
    expect(page.get_by_role("status")).to_have_text("3 tiltak")
    expect(page.get_by_role("heading", level=3, name="Familiehjelpa")).to_be_visible()


def _contacts(page: Page) -> None:
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="476 92 052")).to_have_attribute("href", "tel:47692052")
    expect(main.get_by_role("heading", level=2, name="Nødnumre")).to_be_visible()


@pytest.mark.parametrize(
    ("path", "heading", "state"),
    [
        ("/verktoy/", "Verktøykasse", _tool_list),
        ("/verktoy/bekymringsskala-barn/", "Bekymringsskala barn", _worry_scale),
        (
            "/verktoy/risiko-og-beskyttelsesfaktorer-del-1/",
            "Risiko- og beskyttelses",
            _factor_checklist,
        ),
        ("/tiltak/", "Tiltaksoversikt", _catalogue_filtered),
        ("/kontakter/", "Kontakter", _contacts),
    ],
    ids=["toolbox", "worry-scale", "factor-checklist", "catalogue-htmx-filter", "contacts"],
)
def test_toolbox_catalogue_and_contact_pages_are_accessible(
    page: Page, live_server, browser_log, axe, ansatt, toolbox_data, path, heading, state
):
    login_with_session(page, live_server, ansatt)
    check_page(page, live_server, browser_log, axe, path, heading, state)


def test_catalogue_import_preview_is_accessible(
    page: Page, live_server, browser_log, axe, toolbox_data
):
    from toolbox.examples import example_rows, example_workbook
    from toolbox.services import catalogue_import_prepare

    rows = example_rows()
    rows[0] = ("T-01", "Helsestasjon for barn", *rows[0][2:])
    pending = catalogue_import_prepare(
        municipality_id=home_municipality().pk,
        file_name="tiltak-ny.xlsx",
        data=example_workbook(rows[:-1]),
        user=toolbox_data,
    )
    login_with_session(page, live_server, toolbox_data)

    def preview(page: Page) -> None:
        expect(page.get_by_role("region", name="Endrede tiltak")).to_contain_text(
            "Helsestasjon for barn"
        )
        expect(page.get_by_role("button", name="Importer endringene")).to_be_visible()

    check_page(
        page,
        live_server,
        browser_log,
        axe,
        f"/tiltak/import/{pending.pk}/",
        "Se over endringene",
        preview,
    )
