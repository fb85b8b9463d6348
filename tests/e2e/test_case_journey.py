"""One case from the first undring to its closure, walked in the browser by ansatt and leder.

Ingrid (ansatt, Solsikken barnehage) registers an undring about Emma, concretises it and shares it
with her leader Marius; she proposes going on to nivå 1, and Marius confirms (Øvre Eiker's guide
takes the nivå 0 decision with the leader). Ingrid holds a samarbeidsmøte, writes its referat,
agrees two measures and evaluates one — each of which moves the case on through the steps that
wait for it; with the guardian's consent she brings Eikebakken skole into the case and raises it
to nivå 2. Marius closes the case with a reason, through the closing step 2.5. The relay log
(stafettloggen) must then tell the whole story, step by step, in order.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tests.factories import PASSWORD, signed_form_pdf

from .helpers import form_field, login, logout, wait_for_htmx

pytestmark = [
    pytest.mark.e2e,
]

INGRID = "Ingrid Ansatt"
MARIUS = "Marius Leder"
SIGNED_FORM = signed_form_pdf()
OBSERVATION = "Emma gråter og holder fast i mor i garderoben hver morgen ved levering."
OBSERVATION_2 = "Emma sa i samlingsstunden at hun er redd for at mamma ikke kommer tilbake."
SHARED = "Delt med styrer Marius. Vi ble enige om at vi bør gå videre."
TALKED = "Undringssamtalen med mor ble holdt på telefon; notatet ligger i barnehagens arkiv."
LATER = "Tas i neste samarbeidsmøte med skolen."
REASON_LEVEL_1 = "Undringen er konkret og vedvarende. Vi tar det opp med foresatte."
CHILD_VIEW = "Emma vil gjerne at en voksen hun kjenner tar imot henne om morgenen."
MEETING_PLACE = "Solsikken barnehage, møterommet"
MEASURE_1 = "Fast voksen tar imot Emma ved levering"
MEASURE_2 = "Samtaler med Emma om følelser, to ganger i uka"
REASON_LEVEL_2 = "Emma begynner på Eikebakken skole til høsten; skolen må med for en god overgang."
REASON_CLOSE = "Tiltakene virker, og overgangen til skolen er planlagt. Foresatte er enige."
LOG_ENTRY = re.compile(
    r"\d\d\.\d\d\.\d{4} \d\d:\d\d · (?P<actor>.+) · (?P<kind>.+) · nivå (?P<level>\d), "
    r"(?P<step>\d\.\d)"
)


def status_fact(page: Page, term: str) -> Locator:
    """The value of one fact (Nivå, Trinn, Status …) in the case page's status card."""
    status = page.get_by_role("region", name="Status", exact=True)
    return (
        status.locator("dl > div")
        .filter(has=page.locator("dt", has_text=re.compile(f"^{term}$")))
        .locator("dd")
    )


def step_done(
    code: str, title: str, ticked: int = 0, summary: str = "", skipped: str = "", why: str = ""
) -> str:
    """The relay-log text of a completed step, with its checklist tally from the loaded guide,
    and what it was done without, and why."""
    from levels.models import Step

    items = len(Step.objects.get(level__guide__is_active=True, code=code).checklist_items)
    text = f"{code} {title} er gjort."
    if items:
        text += f" Sjekkliste: {ticked} av {items} punkter."
    if skipped:
        text += f" Gjort uten: {skipped}. Hvorfor: {why}"
    return f"{text} {summary}" if summary else text


def step_met(code: str, title: str, met: str) -> str:
    """The relay-log text of a step the case passed by itself, when what it needed was done."""
    return f"{code} {title} er gjort. Oppfylt: {met}."


def tick_checklist(page: Page) -> int:
    """Tick every item of the step's checklist (each tick saves through htmx); return the count."""
    checklist = page.get_by_role("group", name="Sjekkliste for trinnet")
    boxes = checklist.get_by_role("checkbox")
    for i in range(boxes.count()):
        page.get_by_role("group", name="Sjekkliste for trinnet").get_by_role("checkbox").nth(
            i
        ).check()
        wait_for_htmx(page)
    count = boxes.count()
    for i in range(count):
        expect(boxes.nth(i)).to_be_checked()
    return count


def expect_at_step(page: Page, level: int, code: str) -> None:
    expect(status_fact(page, "Nivå")).to_contain_text(f"Nivå {level} ")
    expect(status_fact(page, "Trinn")).to_contain_text(re.compile(f"^{re.escape(code)} "))
    expect(
        page.get_by_role("heading", level=2, name=re.compile(f"^Nå: {re.escape(code)} "))
    ).to_be_visible()


def complete_step(page: Page, code: str, summary: str = "", why: str = "") -> None:
    """Mark the case's current step done from the step card, and land on the next one. `why`:
    the reason it is done without what it still requires."""
    card = page.get_by_role("region", name=re.compile(f"^Nå: {re.escape(code)} "))
    if summary:
        form_field(card, "Kort om hva som ble gjort (valgfritt)").fill(summary)
    if why:
        form_field(card, "Hvorfor trinnet er gjort uten det som gjenstår").fill(why)
    card.get_by_role("button", name=re.compile(f"^Trinn {re.escape(code)} er gjort")).click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile(f"^Nå: {re.escape(code)} "))
    ).to_have_count(0)


def case_action(page: Page, name: str) -> None:
    """Follow a link of the case page's actions: among those the step calls for first, else
    under "Alle handlinger i saken" (opened first)."""
    actions = page.get_by_role("navigation", name="Handlinger i saken")
    now = actions.locator(".bts-case-actions__now").get_by_role("link", name=name, exact=True)
    if now.count():
        now.click()
        return
    more = actions.locator("details.bts-case-actions__more")
    if more.get_attribute("open") is None:
        more.locator("summary").click()
    more.get_by_role("link", name=name, exact=True).click()


def decide(page: Page, choice: str, reason: str, child_view: str) -> None:
    """Take the decision at a decision step: the move, why, and what the child says."""
    page.get_by_role("link", name="Ta beslutning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beslutning")
    page.get_by_role("group", name=re.compile("^Beslutning")).get_by_label(
        choice, exact=True
    ).check()
    form_field(page, "Begrunnelse").fill(reason)
    form_field(page, "Barnets stemme").fill(child_view)
    page.get_by_role("button", name="Lagre beslutning").click()


def relay_log(page: Page) -> list[dict[str, str]]:
    """The relay log's entries, oldest first (the page lists the newest first)."""
    rows = page.locator("#relay-log > li").evaluate_all(
        "items => items.map(li => [...li.querySelectorAll('p')].map(p => p.innerText.trim()))"
    )
    entries = []
    for meta, text in reversed(rows):
        match = LOG_ENTRY.fullmatch(meta)
        assert match, f"relay log line not understood: {meta!r}"
        entries.append(match.groupdict() | {"text": text})
    return entries


def test_case_from_undring_to_closure_with_relay_log(
    page: Page, live_server, browser_log, active_guide, ansatt, leder, eikebakken
):
    today = timezone.localdate()
    d = f"{today:%d.%m.%Y}"
    yesterday = today - timedelta(days=1)  # the samarbeidsmøte: held, so its referat is written
    dm = f"{yesterday:%d.%m.%Y}"
    first_evaluation = today + timedelta(days=28)
    second_evaluation = today + timedelta(days=42)
    next_evaluation = today + timedelta(days=35)

    # --- 1. Ingrid registers the undring: akutt question, the child, the undring ---------------
    login(page, live_server, "ansatt", PASSWORD)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Registrer undring"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer undring")
    page.get_by_role(
        "group", name=re.compile("^Mistenker du vold, overgrep eller alvorlig omsorgssvikt")
    ).get_by_label("Nei", exact=True).check()
    page.get_by_role("button", name="Gå videre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvilket barn gjelder det?")
    page.get_by_role("link", name="Registrer nytt barn").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer barnet")
    child = page.get_by_role("group", name="Barnet")
    form_field(child, "Fornavn").fill("Emma")
    form_field(child, "Etternavn").fill("Hansen")
    form_field(child, "Fødselsdato").fill("2020-03-14")
    guardian = page.get_by_role("group", name="Foresatt 1")
    form_field(guardian, "Navn").fill("Lise Hansen")
    form_field(guardian, "Relasjon til barnet").fill("mor")
    expect(form_field(guardian, "Har foreldreansvar")).to_be_checked()
    page.get_by_role("button", name="Registrer barnet og gå videre").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Undring: Emma Hansen")
    form_field(page, "Hva har du sett eller hørt?").fill(OBSERVATION)
    expect(form_field(page, "Når")).to_have_value(today.isoformat())
    form_field(page, "I hvilken situasjon").fill("I garderoben ved levering")
    page.get_by_role("group", name=re.compile("^Hvor bekymret er du?")).get_by_label(
        "Noe bekymret", exact=True
    ).check()
    page.get_by_role("button", name="Registrer undringen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Saken om Emma Hansen")
    expect(page.get_by_role("status").first).to_contain_text(
        "Undringen er registrert. Saken er på nivå 0."
    )
    expect(page.locator(".bts-lead")).to_contain_text("Født 14.03.2020")
    expect(page.get_by_role("region", name="Foresatte", exact=True)).to_contain_text(
        "Lise Hansen (mor)"
    )
    expect_at_step(page, 0, "0.1")
    expect(status_fact(page, "Oppfølgingsansvarlig")).to_have_text(INGRID)
    case_url = page.url
    browser_log.assert_clean("undring registered")

    # --- 2. Concretising: 0.1 done, a new observation, 0.2 done ---------------------------------
    ticked_0_1 = tick_checklist(page)
    assert ticked_0_1 >= 2
    page.reload()  # the ticks were saved, not only shown
    expect(
        page.get_by_role("group", name="Sjekkliste for trinnet").get_by_role("checkbox").first
    ).to_be_checked()
    complete_step(page, "0.1")
    expect_at_step(page, 0, "0.2")
    case_action(page, "Konkretiser undringen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Konkretiser undringen")
    form_field(page, "Hva har du sett eller hørt?").fill(OBSERVATION_2)
    form_field(page, "I hvilken situasjon").fill("I samlingsstunden")
    page.get_by_role("group", name=re.compile("^Hvor bekymret er du?")).get_by_label(
        "Ganske bekymret", exact=True
    ).check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saken om Emma Hansen")
    expect(page.get_by_role("region", name="Undringen", exact=True)).to_contain_text(OBSERVATION_2)
    ticked_0_2 = tick_checklist(page)
    complete_step(page, "0.2")

    # --- 3. Sharing with the leader (0.3), whose referat is kept elsewhere: the step is done
    # without it, saying why; the case waits at the decision step 0.4 ------------------------
    expect_at_step(page, 0, "0.3")
    card = page.get_by_role("region", name=re.compile("^Nå: 0.3 "))
    card.get_by_role("button", name="Trinn 0.3 er gjort").click()
    expect(page.locator("#id_skip_reason_error")).to_contain_text(
        "Dette gjenstår: møtet er holdt og referatet skrevet."
    )
    expect_at_step(page, 0, "0.3")
    complete_step(page, "0.3", SHARED, why=TALKED)
    expect_at_step(page, 0, "0.4")
    browser_log.assert_clean("nivå 0 steps")

    # --- 4. Ingrid proposes nivå 1; Marius, the kindergarten's leader, confirms it --------------
    decide(page, "Gå opp til nivå 1", REASON_LEVEL_1, CHILD_VIEW)
    expect(page).to_have_url(case_url)
    expect(page.locator("#proposal")).to_contain_text("venter på leders bekreftelse")
    expect_at_step(page, 0, "0.4")
    logout(page)

    login(page, live_server, "leder", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Marius")
    page.locator("#proposals").get_by_role("link", name="Emma Hansen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forslag til beslutning")
    page.get_by_role("group", name=re.compile("^Bekrefter du forslaget")).get_by_label(
        "Ja, bekreft beslutningen", exact=True
    ).check()
    page.get_by_role("button", name="Lagre svaret").click()
    expect(page).to_have_url(case_url)
    expect_at_step(page, 1, "1.1")
    browser_log.assert_clean("decision to nivå 1")
    logout(page)

    # --- 5. Ingrid holds a samarbeidsmøte and writes its referat --------------------------------
    login(page, live_server, "ansatt", PASSWORD)
    page.goto(case_url)
    case_action(page, "Nytt møte")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt møte")
    expect(form_field(page, "Type møte")).to_have_value("samarbeidsmote")  # what 1.1 calls for
    form_field(page, "Dato og klokkeslett").fill(f"{yesterday.isoformat()}T08:30")
    form_field(page, "Sted").fill(MEETING_PLACE)
    form_field(page, "Hva skal dere snakke om").fill(
        "Hvordan har Emma det om morgenen, og hva kan vi gjøre sammen?"
    )
    form_field(page, "Andre som inviteres").fill("Lise Hansen (mor)")
    expect(page.get_by_label(INGRID, exact=True)).to_be_checked()
    expect(page.get_by_label("Solsikken barnehage", exact=True)).to_be_checked()
    page.get_by_role("button", name="Avtal møtet").click()
    expect(page.get_by_role("status").first).to_contain_text("Møtet er avtalt.")
    meetings = page.get_by_role("region", name="Møter", exact=True)
    expect(meetings).to_contain_text(f"{dm} kl. 08:30 · {MEETING_PLACE}")
    expect_at_step(page, 1, "1.2")  # 1.1 waited for the meeting to be booked

    meetings.get_by_role("link", name=re.compile("^Skriv referat")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referat fra Samarbeidsmøte {dm}")
    expect(page.get_by_text("Referatet er ikke skrevet ennå.")).to_be_visible()
    form_field(page, "Til stede").fill("Lise Hansen (mor), Ingrid Ansatt (pedagogisk leder)")
    form_field(page, "Barnets stemme").fill("Emma sier at hun savner mamma når hun blir levert.")
    form_field(page, "Felles forståelse").fill(
        "Morgenene er vanskelige for Emma; hjemme og resten av dagen går det bra."
    )
    form_field(page, "Tiltak som ble avtalt").fill(f"{MEASURE_1}. {MEASURE_2}.")
    form_field(page, "Ansvarsfordeling").fill("Barnehagen har ansvar for begge tiltakene.")
    page.get_by_role("button", name="Lagre referatet").click()
    expect(page.get_by_role("status").first).to_contain_text("Referatet er lagret.")
    expect(
        page.get_by_text(re.compile(rf"Sist lagret av {INGRID} {d} \d\d:\d\d \(versjon 1\)\."))
    ).to_be_visible()
    page.get_by_role("link", name="Tilbake til saken").click()
    expect(
        page.get_by_role("region", name="Møter", exact=True).get_by_role(
            "link", name=re.compile(r"^Referat \(versjon 1\)")
        )
    ).to_be_visible()
    browser_log.assert_clean("meeting and minutes")

    # --- 6. Two measures ------------------------------------------------------------------------
    for description, goal, due in [
        (
            MEASURE_1,
            "Emma går inn på avdelingen uten å gråte minst fire av fem morgener.",
            first_evaluation,
        ),
        (MEASURE_2, "Emma kan sette ord på hvordan hun har det.", second_evaluation),
    ]:
        case_action(page, "Nytt tiltak")
        expect(page.get_by_role("heading", level=1)).to_have_text("Nytt tiltak")
        form_field(page, "Tiltak").fill(description)
        form_field(page, "Mål").fill(goal)
        form_field(page, "Hvor").fill("I barnehagen")
        form_field(page, "Ansvarlig tjeneste").select_option(label="Solsikken barnehage")
        form_field(page, "Ansvarlig person").select_option(label=INGRID)
        form_field(page, "Starter").fill(today.isoformat())
        form_field(page, "Evalueres innen").fill(due.isoformat())
        page.get_by_role("button", name="Lagre tiltaket").click()
        expect(page.get_by_role("status").first).to_contain_text("Tiltaket er registrert.")
    measures = page.get_by_role("region", name="Tiltak", exact=True)
    expect(measures.locator(".bts-work-list__item")).to_have_count(2)
    expect(measures).to_contain_text(f"Evalueres innen {first_evaluation:%d.%m.%Y}")
    expect(measures).to_contain_text(f"Evalueres innen {second_evaluation:%d.%m.%Y}")

    # --- 7. Evaluate the first measure: continue it ---------------------------------------------
    measures.get_by_role("link", name=f"Evaluer tiltaket – {MEASURE_1}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluer tiltaket")
    expect(form_field(page, "Dato for evalueringen")).to_have_value(today.isoformat())
    form_field(page, "Effekt").fill("Emma går inn uten å gråte tre av fem morgener.")
    form_field(page, "Barnets egen opplevelse").fill("Emma sier at hun liker at Ingrid venter.")
    form_field(page, "Foresattes syn").fill("Mor ser at morgenene hjemme er roligere.")
    page.get_by_role("group", name=re.compile("^Veien videre")).get_by_label(
        "Fortsett tiltaket", exact=True
    ).check()
    form_field(page, "Neste evaluering").fill(next_evaluation.isoformat())
    page.get_by_role("button", name="Lagre evalueringen").click()
    expect(page.get_by_role("status").first).to_contain_text("Evalueringen er registrert.")
    expect(page.get_by_role("region", name="Tiltak", exact=True)).to_contain_text(
        f"Evalueres innen {next_evaluation:%d.%m.%Y}"
    )
    browser_log.assert_clean("measures and evaluation")

    # --- 8. The referat, the measures and the evaluation moved the case to its decision step 1.4;
    # consent, Eikebakken skole joins; raise to nivå 2 ------------------------------------------
    expect_at_step(page, 1, "1.4")

    case_action(page, "Registrer samtykke")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer samtykke")
    page.get_by_role("group", name=re.compile("^Tjenester samtykket gjelder")).get_by_label(
        "Eikebakken skole", exact=True
    ).check()
    page.get_by_role("group", name=re.compile("^Opplysninger som kan deles")).get_by_label(
        "Trivsel, utvikling og læring", exact=True
    ).check()
    parents = page.get_by_role("group", name=re.compile("^Foresatte med foreldreansvar"))
    expect(parents.get_by_label("Lise Hansen", exact=True)).to_be_checked()
    page.get_by_role("group", name=re.compile("^Form ")).get_by_label(
        "Skriftlig", exact=True
    ).check()
    form_field(page, "Formål").fill("Samarbeid med skolen om overgangen fra barnehage til skole.")
    form_field(page, "Dato").fill(today.isoformat())
    form_field(page, "Signert samtykkeskjema").set_input_files(
        files=[{"name": "samtykke.pdf", "mimeType": "application/pdf", "buffer": SIGNED_FORM}]
    )
    page.get_by_role("button", name="Lagre samtykke").click()
    family = page.get_by_role("region", name="Foresatte", exact=True)
    expect(family).to_contain_text(f"{d}, skriftlig, fra Lise Hansen (mor): Eikebakken skole")
    expect(family).to_contain_text("Opplysninger: Trivsel, utvikling og læring")
    with page.expect_download() as download:
        family.get_by_role("link", name=re.compile("^Signert skjema")).click()
    assert download.value.suggested_filename.startswith("samtykke-sak-")

    case_action(page, "Ta med en annen tjeneste")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ta med en annen tjeneste")
    form_field(page, "Tjeneste").select_option(label="Eikebakken skole")
    page.get_by_role("button", name="Ta med i saken").click()
    expect(status_fact(page, "Tjenester i saken")).to_have_text(
        "Solsikken barnehage, Eikebakken skole"
    )

    decide(page, "Gå opp til nivå 2", REASON_LEVEL_2, CHILD_VIEW)
    expect(page).to_have_url(case_url)
    expect_at_step(page, 2, "2.1")
    browser_log.assert_clean("decision to nivå 2")

    # --- 9. On to the decision step 2.4 (the school's part comes later); Marius closes the case
    # with a reason, through the closing step 2.5 ---------------------------------------------
    for code in ("2.1", "2.2", "2.3"):
        expect_at_step(page, 2, code)
        complete_step(page, code, why=LATER)
    expect_at_step(page, 2, "2.4")
    logout(page)

    login(page, live_server, "leder", PASSWORD)
    page.goto(case_url)
    decide(page, "Avslutt saken", REASON_CLOSE, CHILD_VIEW)
    expect(page).to_have_url(case_url)
    expect_at_step(page, 2, "2.5")
    ticked_2_5 = tick_checklist(page)
    complete_step(page, "2.5")
    expect(status_fact(page, "Status")).to_have_text(f"Avsluttet {d}")
    expect(page.get_by_role("link", name="Ta beslutning")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Handlinger i saken")).to_have_count(0)
    browser_log.assert_clean("case closed")

    # --- 10. The relay log tells the whole journey, in order ------------------------------------
    expect(page.get_by_role("heading", level=2, name="Stafettlogg")).to_be_visible()
    proposal = (
        f"Forslag: nivå 1 (veilederen sier at leder tar denne beslutningen; saken venter på "
        f"leders bekreftelse). Begrunnelse: {REASON_LEVEL_1}"
    )
    expected = [
        (INGRID, "Undring registrert", "0", "0.1", "Undring registrert i Solsikken barnehage."),
        (INGRID, "Trinn fullført", "0", "0.1", step_done("0.1", "Undring oppstår", ticked_0_1)),
        (INGRID, "Undring konkretisert", "0", "0.2", OBSERVATION_2),
        (
            INGRID,
            "Trinn fullført",
            "0",
            "0.2",
            step_done("0.2", "Konkretiser undringen", ticked_0_2),
        ),
        (
            INGRID,
            "Trinn fullført",
            "0",
            "0.3",
            step_done(
                "0.3", "Del undringen", 0, SHARED, "møtet er holdt og referatet skrevet", TALKED
            ),
        ),
        (INGRID, "Forslag til beslutning", "0", "0.4", proposal),
        (
            MARIUS,
            "Beslutning",
            "0",
            "0.4",
            f"Saken går fra nivå 0 til nivå 1. Begrunnelse: {REASON_LEVEL_1} "
            f"Foreslått av {INGRID}, bekreftet av leder {MARIUS}.",
        ),
        (
            INGRID,
            "Møte",
            "1",
            "1.1",
            f"Samarbeidsmøte {dm} kl. 08:30 på {MEETING_PLACE} er avtalt.",
        ),
        (
            INGRID,
            "Trinn fullført",
            "1",
            "1.1",
            step_met("1.1", "Innkalle til møte, planlegging og forberedelser", "et møte er avtalt"),
        ),
        (INGRID, "Referat", "1", "1.2", f"Referat fra samarbeidsmøte {dm} er lagret (versjon 1)."),
        (
            INGRID,
            "Tiltak",
            "1",
            "1.2",
            f"Tiltak fra {d}: {MEASURE_1}. Ansvarlig: Solsikken barnehage ({INGRID}). "
            f"Evalueres innen {first_evaluation:%d.%m.%Y}.",
        ),
        (
            INGRID,
            "Trinn fullført",
            "1",
            "1.2",
            step_met(
                "1.2",
                "Samarbeidsmøte med foresatte",
                "møtet er holdt og referatet skrevet; et tiltak med evalueringsdato er satt i gang",
            ),
        ),
        (
            INGRID,
            "Tiltak",
            "1",
            "1.3",
            f"Tiltak fra {d}: {MEASURE_2}. Ansvarlig: Solsikken barnehage ({INGRID}). "
            f"Evalueres innen {second_evaluation:%d.%m.%Y}.",
        ),
        (
            INGRID,
            "Evaluering",
            "1",
            "1.3",
            f"Tiltaket «{MEASURE_1}» er evaluert: fortsett tiltaket. "
            f"Neste evaluering innen {next_evaluation:%d.%m.%Y}.",
        ),
        (
            INGRID,
            "Trinn fullført",
            "1",
            "1.3",
            step_met("1.3", "Gjennomføre og evaluere tiltak", "tiltakene er evaluert"),
        ),
        (
            INGRID,
            "Samtykke",
            "1",
            "1.4",
            "Samtykke fra Lise Hansen (mor) (skriftlig) til samarbeid med: Eikebakken skole.",
        ),
        (INGRID, "Tjeneste med i saken", "1", "1.4", "Eikebakken skole er med i saken."),
        (
            INGRID,
            "Beslutning",
            "1",
            "1.4",
            f"Saken går fra nivå 1 til nivå 2. Begrunnelse: {REASON_LEVEL_2}",
        ),
        (
            INGRID,
            "Trinn fullført",
            "2",
            "2.1",
            step_done(
                "2.1",
                "Innkall til møte, etabler kontakt med annen tjeneste",
                skipped="et møte er avtalt",
                why=LATER,
            ),
        ),
        (
            INGRID,
            "Trinn fullført",
            "2",
            "2.2",
            step_done(
                "2.2", "Planlegg tiltak", skipped="møtet er holdt og referatet skrevet", why=LATER
            ),
        ),
        (
            INGRID,
            "Trinn fullført",
            "2",
            "2.3",
            step_done("2.3", "Iverksett tiltak", skipped="tiltakene er evaluert", why=LATER),
        ),
        (
            MARIUS,
            "Beslutning",
            "2",
            "2.4",
            f"Saken skal avsluttes: først trinn 2.5. Begrunnelse: {REASON_CLOSE}",
        ),
        (
            MARIUS,
            "Trinn fullført",
            "2",
            "2.5",
            step_done("2.5", "Hvis saken avsluttes", ticked_2_5),
        ),
        (MARIUS, "Trinn fullført", "2", "2.5", "Saken er avsluttet."),
    ]
    log = page.locator("#relay-log > li")
    expect(log).to_have_count(len(expected))
    actual = [(e["actor"], e["kind"], e["level"], e["step"], e["text"]) for e in relay_log(page)]
    assert actual == expected

    # The filter: only the decisions, swapped in by htmx without leaving the page.
    form_field(page.get_by_role("region", name="Stafettlogg", exact=True), "Vis").select_option(
        label="Beslutning"
    )
    wait_for_htmx(page)
    expect(log).to_have_count(3)
    expect(page).to_have_url(case_url)
    decisions = [(e["actor"], e["kind"], e["step"], e["text"]) for e in relay_log(page)]
    assert decisions == [
        (
            MARIUS,
            "Beslutning",
            "0.4",
            f"Saken går fra nivå 0 til nivå 1. Begrunnelse: {REASON_LEVEL_1} "
            f"Foreslått av {INGRID}, bekreftet av leder {MARIUS}.",
        ),
        (
            INGRID,
            "Beslutning",
            "1.4",
            f"Saken går fra nivå 1 til nivå 2. Begrunnelse: {REASON_LEVEL_2}",
        ),
        (
            MARIUS,
            "Beslutning",
            "2.4",
            f"Saken skal avsluttes: først trinn 2.5. Begrunnelse: {REASON_CLOSE}",
        ),
    ]
    browser_log.assert_clean("relay log")
