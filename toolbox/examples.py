"""An example tiltaksoversikt and contact list, from what Øvre Eiker's BTS pages describe
(seeds 000–002): the administrator downloads the spreadsheet as a template, the demo loads it,
and the tests build their files with `example_workbook`.

Only what the sources say is filled in. Ages are given where an entry belongs to kindergarten
(1–5), school (6–16; 6–19 with upper secondary), the health station before school (0–5) or an
age the source names (ressursteam 15–24, barnekoordinator until 18); an age, a contact or
whether a referral is needed is left empty where the sources do not say it.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from .models import Contact
from .spreadsheet import COLUMNS

FAMILIEHJELPA_PHONE = "476 92 052 (hverdager 13:00–15:00)"

# ID, Navn, Beskrivelse, Nivå, Alder fra, Alder til, Tilbys av, Kontakt, Henvisning
EXAMPLE_ROWS: list[tuple] = [
    (
        "T-01",
        "Helsestasjon",
        "Helsestasjonen følger opp alle barn og familier. For barn som ikke har begynt i "
        "barnehagen ennå, har helsestasjonen oppfølgingsansvaret. Barnehagene kan samarbeide "
        "med helsestasjonen, og helsestasjonen kan drøfte saker med familieteamet.",
        0,
        0,
        5,
        "Helsestasjon og skolehelsetjeneste",
        "",
        "nei",
    ),
    (
        "T-02",
        "Helsesykepleier i skolen",
        "Skolene har helsesykepleier til stede som elever og foresatte kan snakke med, og som "
        "kan bistå i samarbeidet rundt en elev.",
        0,
        6,
        19,
        "Helsestasjon og skolehelsetjeneste",
        "",
        "nei",
    ),
    (
        "T-03",
        "Fritids- og aktivitetstilbud",
        "De fleste barn er med i frivillig eller kommunalt drevne aktivitetstilbud. Når "
        "familien ønsker det, kan frivillige og kommunale aktivitetstilbud involveres i "
        "samarbeidet.",
        0,
        None,
        None,
        "Frivillige lag og foreninger, kommunen",
        "",
        "nei",
    ),
    (
        "T-04",
        "Tverrfaglig team i barnehagen",
        "Alle barnehager har tverrfaglig team som møtes en gang i måneden, med fast "
        "representant fra barnehageledelsen, helsestasjon, PPT og barnevern. Både foreldre og "
        "barnehagen kan ta opp bekymringer. Ansatte melder inn saker gjennom sin leder; saken "
        "legges fram med foresattes samtykke eller anonymt.",
        1,
        1,
        5,
        "Barnehagen",
        "Ta kontakt med styrer.",
        "nei",
    ),
    (
        "T-05",
        "Tverrfaglig team i skolen",
        "Alle skoler har tverrfaglig team som møtes en gang i måneden, med fast representant "
        "fra skoleledelsen, helsestasjon, PPT og barnevern. Både foreldre og skolen kan ta opp "
        "bekymringer. Ansatte melder inn saker gjennom sin leder.",
        1,
        6,
        16,
        "Skolen",
        "Ta kontakt med rektor.",
        "nei",
    ),
    (
        "T-06",
        "PP-tjenesten (PPT)",
        "Pedagogisk-psykologisk tjeneste har kontaktmøter med hver skole en gang i måneden og "
        "deltar i de tverrfaglige teamene i barnehagene. PPT kan veilede ansatte og observere i "
        "klassen eller på trinnet. Henvisning av enkeltelever avklares i kontaktmøtene, med "
        "foresattes samtykke.",
        2,
        None,
        None,
        "PP-tjenesten",
        "",
        "ja",
    ),
    (
        "T-07",
        "Familiehjelpa",
        "Lavterskeltilbud og én dør inn for familier som trenger koordinerte tjenester over "
        "tid. Familien kan ringe selv; barnehage, skole og andre tjenester kan ringe på vegne "
        "av familien med samtykke. Familiehjelpa kartlegger sammen med familien (DUKEN), "
        "kobler på tjenester og kan sette på en familiekontakt. Ansatte kan også bruke "
        "familiehjelpa som drøftingstelefon.",
        2,
        None,
        None,
        "Familiehjelpa",
        FAMILIEHJELPA_PHONE,
        "nei",
    ),
    (
        "T-08",
        "Barneteam",
        "Samhandlingsarena for saker der det er usikkert hvilket nivå eller hvilken tjeneste "
        "saken hører til («grensesaker»). Barneteamet gir råd og beslutter hvilken tjeneste som "
        "har oppfølgingsansvaret. Møtes en gang i måneden, eller oftere ved behov.",
        2,
        None,
        None,
        "Familiehjelpa, med PPT, barnevern, NAV, barnekoordinator og flere",
        "Saker meldes inn til familiehjelpa.",
        "ja",
    ),
    (
        "T-09",
        "Ressursteam 15–24",
        "Tverrfaglig team for ungdom som har falt ut eller står i fare for å falle ut av "
        "ordinær skolegang og vanlig arbeidsliv. Teamet møtes ukentlig til samarbeidsmøte.",
        2,
        15,
        24,
        "Ressursteam 15–24",
        "",
        None,
    ),
    (
        "T-10",
        "Tverrfaglig integreringsteam",
        "Kjerneteam av NAV integreringsteam, voksenopplæring, familiesenteret og "
        "flyktninghelsetjenesten som drøfter saker hver 14. dag, og et utvidet team på "
        "ledernivå en gang i måneden.",
        2,
        None,
        None,
        "NAV, voksenopplæring, familiesenteret og flyktninghelsetjenesten",
        "",
        None,
    ),
    (
        "T-11",
        "Samhandlingsteam med BUP",
        "Fast team av PPT, familiesenteret, ressursteam 15/24, familiehjelpa og to faste "
        "representanter fra BUP, som møtes hver 14. dag. Her kan saker drøftes anonymt, og "
        "teamet gir råd slik at en henvisning til BUP blir godt avklart. Saker meldes inn "
        "gjennom din leder.",
        3,
        None,
        None,
        "Kommunen og BUP",
        "",
        None,
    ),
    (
        "T-12",
        "BUP – psykisk helsevern for barn og unge",
        "Spesialisthelsetjenesten for barn og unge med psykiske problemer eller lidelser.",
        3,
        None,
        None,
        "BUP (spesialisthelsetjenesten)",
        "",
        "ja",
    ),
    (
        "T-13",
        "Barneverntjenesten",
        "Tar imot bekymringsmeldinger og kan gi råd: saken kan drøftes anonymt. Barnevernet er "
        "med i de tverrfaglige teamene i barnehager og skoler.",
        3,
        None,
        None,
        "Barneverntjenesten",
        "Vakttelefon 476 63 707 (hverdager 08:30–15:00), 409 21 233 (kveld/helg)",
        None,
    ),
    (
        "T-14",
        "Barnekoordinator",
        "For familier som har eller venter barn med alvorlig sykdom, skade eller nedsatt "
        "funksjonsevne, og som trenger langvarige og sammensatte tjenester. "
        "Barnekoordinatoren samordner tjenestetilbudet, gir familien informasjon og veiledning "
        "og driver arbeidet med individuell plan fram (helse- og omsorgstjenesteloven § 7-2 a). "
        "Kommunens plikt gjelder til barnet fyller 18 år.",
        3,
        0,
        17,
        "Kommunen",
        "",
        None,
    ),
    (
        "T-15",
        "SAM-T",
        "Avklaring av behov for helse- og velferdstjenester og av prinsipielle spørsmål, når "
        "saken er forsøkt løst nærmest innbyggeren først. Saker meldes tjenestevei; "
        "virksomhetsleder melder saken til leder for forvaltning, helse og samordning, som "
        "eier møtet.",
        3,
        None,
        None,
        "Forvaltning, helse og samordning",
        "",
        "ja",
    ),
]

C = Contact.Category
# category, name, phone, hours, note — the numbers are those of seeds 000/001 and the national
# emergency and help lines.
EXAMPLE_CONTACTS: list[tuple[Contact.Category, str, str, str, str]] = [
    (C.EMERGENCY, "Politi – nødnummer", "112", "", "Ved fare for liv og helse."),
    (C.EMERGENCY, "Medisinsk nødtelefon (ambulanse)", "113", "", ""),
    (C.EMERGENCY, "Brann", "110", "", ""),
    (C.EMERGENCY, "Legevakt", "116 117", "hele døgnet", ""),
    (
        C.CHILD_PROTECTION,
        "Barnevern vakttelefon",
        "476 63 707",
        "hverdager 08:30–15:00",
        "Meld bekymring, eller drøft saken anonymt.",
    ),
    (C.CHILD_PROTECTION, "Barnevern vakttelefon", "409 21 233", "kveld og helg", ""),
    (
        C.CHILD_PROTECTION,
        "Alarmtelefonen for barn og unge",
        "116 111",
        "",
        "For barn og unge som opplever vold, overgrep eller omsorgssvikt.",
    ),
    (
        C.FAMILIEHJELPA,
        "Familiehjelpa",
        "476 92 052",
        "hverdager 13:00–15:00",
        "Én dør inn for familier, og drøftingstelefon for ansatte.",
    ),
    (C.POLICE, "Politiet", "02800", "", "Når det ikke haster."),
]


def example_rows() -> list[tuple]:
    return [tuple(row) for row in EXAMPLE_ROWS]


def example_workbook(
    rows: list[tuple] | None = None,
    *,
    header: list[str] | None = None,
    sheet: str = "Tiltak",
) -> bytes:
    """An .xlsx with the header row and `rows` (the example rows unless given)."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(header or [c.label for c in COLUMNS])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in example_rows() if rows is None else rows:
        worksheet.append(list(row))
    for letter, width in zip("ABCDEFGHI", (8, 32, 80, 6, 10, 10, 30, 30, 11), strict=True):
        worksheet.column_dimensions[letter].width = width
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
