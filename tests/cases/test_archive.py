"""The archive package of a closed case: every document as PDF/A plus the signed forms, and an
arkivstruktur.xml whose checksums verify; the case marked archived with the package's SHA-256."""

import datetime as dt
import hashlib
import io
import uuid
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bts.isolation import visible
from bts.models import AuditEvent, StoredFile
from bts.uploads import CheckedUpload
from cases import services
from cases.archive import archive_package_make
from cases.models import Case
from levels.rules import CLOSED
from tests.cases.conftest import decide
from tests.factories import signed_form_pdf
from tests.journey import close_through

pytestmark = pytest.mark.django_db

NS = {"n": "http://www.arkivverket.no/standarder/noark5/arkivstruktur"}
SIGNED = signed_form_pdf()


def with_meetings(case, user, count: int) -> None:
    for i in range(count):
        meeting = services.meeting_invite(
            case=case,
            user=user,
            kind="evalueringsmote" if i % 2 else "samarbeidsmote",
            starts_at=timezone.now() - dt.timedelta(days=60 - i),
            place=f"Møterom {i} på Ørnerud",
            agenda=f"Oppfølging nr. {i}: hvordan går det med tiltakene?",
            participants=[user],
            participant_services=[case.owner_service],
            idempotency_key=uuid.uuid4(),
        )
        services.minutes_save(
            meeting=meeting,
            user=user,
            data={"present": "Mor og Ingrid", "child_voice": f"Åse sier at uke {i} var bra."},
            version=0,
        )


def verify(content: bytes) -> tuple[ET.Element, dict[str, bytes]]:
    """Open the package and check every document object's file, checksum and size."""
    package = zipfile.ZipFile(io.BytesIO(content))
    files = {name: package.read(name) for name in package.namelist()}
    root = ET.fromstring(files["arkivstruktur.xml"])  # noqa: S314 - our own output
    objects = root.findall(".//n:dokumentobjekt", NS)
    assert objects
    for obj in objects:
        path = obj.find("n:referanseDokumentfil", NS).text
        data = files[path]
        assert obj.find("n:sjekksum", NS).text == hashlib.sha256(data).hexdigest(), path
        assert obj.find("n:sjekksumAlgoritme", NS).text == "SHA256"
        assert obj.find("n:filstoerrelse", NS).text == str(len(data))
    referenced = {o.find("n:referanseDokumentfil", NS).text for o in objects}
    assert referenced == set(files) - {"arkivstruktur.xml"}, "no file without metadata"
    return root, files


@pytest.fixture
def closed(make_case, employee, guide, school, consent_for):
    case = make_case(first_name="Åse", last_name="Ødegård")
    decide(case, employee, 1, "Vi går videre.")
    consent_for(case, school, document=CheckedUpload(SIGNED, "application/pdf"))
    with_meetings(case, employee, 2)
    decide(case, employee, CLOSED, "Tiltakene virker.")
    return close_through(case, employee)  # 1.5 "Hvis saken avsluttes" closes it


def test_closing_and_the_daily_run_archive_the_case(closed):
    # As cron starts it: a connection that sees no municipality until the command opens them.
    with visible(""):
        call_command("archive_closed_cases", stdout=io.StringIO())

    case = Case.objects.get(pk=closed.pk)
    assert case.archived_at and case.archive_id
    content = bytes(StoredFile.objects.get(pk=case.archive_id).content)
    assert case.archive_sha256 == hashlib.sha256(content).hexdigest()
    root, files = verify(content)
    titles = [t.text for t in root.findall(".//n:registrering/n:tittel", NS)]
    assert titles[0] == "Saken samlet"
    assert sum(t.startswith("Referat fra") for t in titles) == 2
    assert sum(t.startswith("Beslutning") for t in titles) == 2
    signed = [d for d in root.findall(".//n:dokumentbeskrivelse", NS) if d.find(
        "n:tilknyttetRegistreringSom", NS).text == "Vedlegg"]  # fmt: skip
    assert len(signed) == 1
    assert signed[0].find("n:dokumentobjekt/n:variantformat", NS).text == "Produksjonsformat"
    assert SIGNED in files.values()
    assert AuditEvent.objects.filter(kind="case_archived", case_id=case.pk).exists()
    assert case.relay_entries.filter(kind="archived").exists()

    out = io.StringIO()
    call_command("archive_closed_cases", stdout=out)
    assert "0 arkivpakker laget." in out.getvalue(), "done once"


def test_a_case_with_twenty_meetings_archives_and_verifies(make_case, employee, guide, leader):
    case = make_case()
    with_meetings(case, employee, 20)
    decide(case, employee, CLOSED, "Avsluttet.")
    case.refresh_from_db()

    archived = archive_package_make(case=case, user=leader)

    root, files = verify(bytes(archived.archive.content))
    assert len(root.findall(".//n:registrering", NS)) == 1 + 20 + 1  # the case, minutes, decision
    assert len([name for name in files if "/referat-" in name]) == 20


def test_an_open_case_is_not_archived(make_case, leader, guide):
    case = make_case()
    browser = Client()
    browser.force_login(leader)
    response = browser.post(reverse("cases:archive", args=[case.pk]), follow=True)
    assert "Arkivpakken lages når saken er avsluttet." in response.text
    case.refresh_from_db()
    assert case.archived_at is None


def test_the_leader_makes_and_downloads_it_and_sees_when_it_is_stale(closed, leader, employee):
    browser = Client()
    browser.force_login(leader)
    response = browser.post(reverse("cases:archive", args=[closed.pk]), follow=True)
    closed.refresh_from_db()
    assert f"SHA-256: {closed.archive_sha256}" in response.text

    download = browser.get(reverse("cases:archive_download", args=[closed.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert hashlib.sha256(download.content).hexdigest() == closed.archive_sha256

    services.report_file(
        case=closed, user=employee, reported_at=timezone.now(), channel="phone", reason="Ny uro."
    )
    page = browser.get(reverse("cases:archive", args=[closed.pk])).text
    assert "Saken er endret etter at arkivpakken ble laget." in page
    call_command("archive_closed_cases", stdout=io.StringIO())
    remade = Case.objects.get(pk=closed.pk)
    assert remade.archive_sha256 != closed.archive_sha256
    assert StoredFile.objects.filter(content_type="application/zip").count() == 1
    _root, files = verify(bytes(remade.archive.content))
    assert any("/melding-barnevernet-" in name for name in files)


def test_only_the_owner_services_leader_gets_the_package(closed, employee_client):
    assert employee_client.get(reverse("cases:archive", args=[closed.pk])).status_code == 403
    url = reverse("cases:archive_download", args=[closed.pk])
    assert employee_client.get(url).status_code == 403
