"""The case's documents as PDF/A: each one downloaded where it belongs, with the right content,
Norwegian letters intact, the PDF/A identification and only our own embedded fonts."""

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bts.models import AuditEvent, Role
from bts.uploads import CheckedUpload
from cases import services
from tests.bts.test_pdf import XMP, fonts_of, xmp
from tests.cases.conftest import decide
from tests.factories import signed_form_pdf

pytestmark = pytest.mark.django_db

SIGNED = signed_form_pdf()


def read(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def assert_archive_ready(reader: PdfReader) -> None:
    description = xmp(reader).find(".//rdf:Description", XMP)
    assert description.get(f"{{{XMP['pdfaid']}}}part") == "2"
    assert description.get(f"{{{XMP['pdfaid']}}}conformance") == "U"
    fonts = {}
    for page in reader.pages:
        fonts |= fonts_of(page["/Resources"])
    assert fonts
    for font in fonts.values():
        described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = described["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
        assert font["/BaseFont"].split("+", 1)[-1].startswith("BTS-Sans")


@pytest.fixture
def case(make_case, employee, guide, school, consent_for):
    """Åse Ødegård's case at nivå 1 with a samarbeidsmøte and its referat, a consent with the
    signed form, a report to barnevern and a decision."""
    case = make_case(first_name="Åse", last_name="Ødegård")
    decide(case, employee, 1, "Bekymringen består etter samtalene i garderoben.")
    case.refresh_from_db()
    meeting = services.meeting_invite(
        case=case,
        user=employee,
        kind="samarbeidsmote",
        starts_at=timezone.now() - dt.timedelta(days=1),
        place="Solsikken barnehage, møterommet på Blåbærtua",
        agenda="Hvordan har Åse det om morgenen, og hva gjør vi sammen?",
        participants=[employee],
        participant_services=[employee.memberships.get().service],
        other_participants="Lise Hansen (mor)",
        idempotency_key=uuid.uuid4(),
    )
    services.minutes_save(
        meeting=meeting,
        user=employee,
        data={
            "present": "Lise Hansen (mor), Ingrid",
            "child_voice": "Åse vil at én voksen tar imot henne – helst Ingrid.",
            "measures_agreed": "Fast voksen ved levering i fire uker.",
        },
        version=0,
    )
    consent_for(case, school, document=CheckedUpload(SIGNED, "application/pdf"))
    services.report_file(
        case=case,
        user=employee,
        reported_at=timezone.now(),
        channel="phone",
        reason="Åse fortalte om slag hjemme. Meldt på telefon.",
    )
    return case


def test_the_minutes(employee_client, case):
    meeting = case.meetings.get()
    reader, text = read(
        employee_client.get(reverse("cases:minutes_pdf", args=[case.pk, meeting.pk]))
    )
    assert "Referat fra samarbeidsmøte" in text and "Åse Ødegård" in text
    assert "Åse vil at én voksen tar imot henne – helst Ingrid." in text
    assert "Blåbærtua" in text and "Side 1 av" in text and f"Sak {case.pk}" in text
    assert_archive_ready(reader)


def test_the_invitation_is_an_invitation(employee_client, case):
    meeting = case.meetings.get()
    _reader, text = read(
        employee_client.get(reverse("cases:invitation_pdf", args=[case.pk, meeting.pk]))
    )
    assert "Invitasjon til samarbeidsmøte" in text
    assert "en invitasjon, ikke en innkalling" in text
    assert "Hvordan har Åse det om morgenen" in text


def test_the_consent_record_and_the_form_to_sign(employee_client, case, school):
    consent = case.consents.get()
    _reader, text = read(
        employee_client.get(reverse("cases:consent_pdf", args=[case.pk, consent.pk]))
    )
    assert "Samtykke" in text and "Lise Hansen (mor)" in text and school.name in text
    assert "Trivsel, utvikling og læring" in text

    url = reverse("cases:consent_form", args=[case.pk])
    assert employee_client.get(url).status_code == 200
    empty = employee_client.post(url, {})
    assert "Velg minst én tjeneste." in empty.text
    reader, text = read(
        employee_client.post(
            url,
            {
                "services": [school.pk],
                "information": ["wellbeing", "health"],
                "purpose": "Samarbeid om Åses trivsel på skolen.",
            },
        )
    )
    assert "Samtykke til samarbeid og utveksling av opplysninger" in text
    assert "forvaltningsloven § 13 a nr. 1" in text
    assert "trekke samtykket tilbake når som helst" in text
    assert "Lise Hansen (mor)" in text and "Helse" in text
    assert_archive_ready(reader)
    assert not case.consents.exclude(pk=consent.pk).exists(), "nothing recorded yet"


def test_the_report_as_filed_and_the_decision(employee_client, case):
    report = case.reports.get()
    _reader, text = read(
        employee_client.get(reverse("cases:report_pdf", args=[case.pk, report.pk]))
    )
    assert "Melding til barnevernet" in text and "Åse fortalte om slag hjemme." in text
    assert "barnevernsloven § 13-2" in text
    decision = case.decisions.get()
    _reader, text = read(
        employee_client.get(reverse("cases:decision_pdf", args=[case.pk, decision.pk]))
    )
    assert "Fra nivå 0 til nivå 1" in text
    assert "Bekymringen består etter samtalene i garderoben." in text


def test_every_download_is_an_audited_read_without_personal_data(employee, employee_client, case):
    meeting = case.meetings.get()
    before = AuditEvent.objects.count()
    employee_client.get(reverse("cases:minutes_pdf", args=[case.pk, meeting.pk]))
    [event] = AuditEvent.objects.order_by("id")[before:]
    assert (event.kind, event.case_id, event.actor_id) == (
        "document_exported",
        case.pk,
        employee.pk,
    )
    assert event.detail == f"minutes_pdf:{meeting.pk}" and "Åse" not in event.detail


def test_no_minutes_no_document(employee_client, case, employee):
    meeting = services.meeting_invite(
        case=case,
        user=employee,
        kind="evalueringsmote",
        starts_at=timezone.now() + dt.timedelta(days=10),
        place="Rom 2",
        agenda="Evaluering",
        participants=[employee],
        participant_services=[case.owner_service],
        idempotency_key=uuid.uuid4(),
    )
    url = reverse("cases:minutes_pdf", args=[case.pk, meeting.pk])
    assert employee_client.get(url).status_code == 404


def test_the_case_page_lists_the_documents(employee_client, case, make_user):
    page = employee_client.get(reverse("cases:detail", args=[case.pk])).text
    meeting, consent = case.meetings.get(), case.consents.get()
    for url in [
        reverse("cases:minutes_pdf", args=[case.pk, meeting.pk]),
        reverse("cases:invitation_pdf", args=[case.pk, meeting.pk]),
        reverse("cases:consent_pdf", args=[case.pk, consent.pk]),
        reverse("cases:report_pdf", args=[case.pk, case.reports.get().pk]),
        reverse("cases:decision_pdf", args=[case.pk, case.decisions.get().pk]),
        reverse("cases:consent_form", args=[case.pk]),
    ]:
        assert url in page, url
    assert reverse("cases:archive", args=[case.pk]) not in page, "the leader's"


def test_the_whole_case_for_the_leader(client, leader, case):
    client.force_login(leader)
    reader, text = read(client.get(reverse("cases:case_pdf", args=[case.pk])))
    for part in [
        "Saken samlet",
        "Undringen",
        "Nivåer og beslutninger",
        "Møter og referater",
        "Samtykker",
        "Meldinger til barnevernet",
        "Stafettloggen",
        "Fast voksen ved levering i fire uker.",
    ]:
        assert part in text, part
    assert_archive_ready(reader)


def test_the_arkivstruktur_is_well_formed_xml_without_the_name_in_the_public_title(case, leader):
    from cases.archive import _documents, arkivstruktur, case_parts

    docs = _documents(case, case_parts(case))
    xml = arkivstruktur(case, docs, archived_at=timezone.now(), by=leader)
    root = ET.fromstring(xml)  # noqa: S314 - our own output
    ns = {"n": "http://www.arkivverket.no/standarder/noark5/arkivstruktur"}
    folder = root.find("n:arkivdel/n:mappe", ns)
    assert folder.find("n:tittel", ns).text == f"BTS-sak {case.pk} – Åse Ødegård"
    assert "Åse" not in folder.find("n:offentligTittel", ns).text
    assert folder.find("n:skjerming/n:tilgangsrestriksjon", ns).text == "13"
    assert len(folder.findall("n:registrering", ns)) == len(docs)


def test_a_leader_of_another_service_gets_none_of_them(client, make_user, case, school):
    client.force_login(make_user(Role.LEADER, service=school))
    meeting = case.meetings.get()
    for url in (
        reverse("cases:minutes_pdf", args=[case.pk, meeting.pk]),
        reverse("cases:case_pdf", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404
