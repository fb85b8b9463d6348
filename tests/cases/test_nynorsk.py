"""A municipality whose language form is nynorsk gets the case, its documents and its e-mail in
nynorsk: on the page, in the PDF/A documents, in the mail the services send and in what the
daily commands write, which run outside any request (levels.language, docs/language.md)."""

import datetime as dt
import hashlib
import io
import xml.etree.ElementTree as ET
import zipfile
from io import BytesIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from bts.models import Role, StoredFile
from cases import services
from cases.reminders import send_due_reminders
from tests.cases.conftest import decide

pytestmark = pytest.mark.django_db

NOARK = {"n": "http://www.arkivverket.no/standarder/noark5/arkivstruktur"}


def test_the_case_page_is_in_nynorsk(employee_client, make_case, nynorsk):
    case = make_case()

    response = employee_client.get(reverse("cases:detail", args=[case.pk]))

    html = response.text
    assert '<html lang="nn"' in html and response["Content-Language"] == "nn"
    assert "Tenester i saka" in html and "Handlingar i saka" in html
    assert "Frist for avgjerd" in html and "Oppfølgingsansvarleg" in html
    assert "Tjenester i saken" not in html and "Frist for beslutning" not in html
    # The relay log's lines are written when the case is opened, in the language form then.
    assert "Undring registrert i" in html


def test_the_same_case_page_in_bokmal(employee_client, make_case, guide):
    case = make_case()
    html = employee_client.get(reverse("cases:detail", args=[case.pk])).text
    assert '<html lang="nb"' in html and "Tjenester i saken" in html
    assert "Tenester i saka" not in html


def test_a_decision_document_is_in_nynorsk(employee_client, make_case, employee, nynorsk):
    case = make_case()
    decide(case, employee, 1, "Uroa held fram etter samtalane i garderoben.")
    decision = case.decisions.get()

    response = employee_client.get(reverse("cases:decision_pdf", args=[case.pk, decision.pk]))

    assert response.status_code == 200
    reader = PdfReader(BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Frå nivå 0 til nivå 1" in text and "Grunngjeving" in text
    assert "Uroa held fram etter samtalane i garderoben." in text
    assert "Fra nivå 0 til nivå 1" not in text and "Begrunnelse" not in text
    assert reader.trailer["/Root"]["/Lang"] == "nn"
    today = dt.date.today()
    months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
              "september", "oktober", "november", "desember"]  # fmt: skip
    assert f"{today.day}. {months[today.month - 1]} {today.year}" in text, "the date, in words"


def test_the_mail_a_service_sends_is_in_nynorsk(
    make_case, employee, make_user, nynorsk, django_capture_on_commit_callbacks
):
    case = make_case()
    colleague = make_user(Role.EMPLOYEE, email="kari@example.invalid")

    with django_capture_on_commit_callbacks(execute=True):
        services.handover_offer(case=case, user=employee, to_user=colleague)

    [message] = mail.outbox
    assert message.subject == "Tilbod om å ta over ei sak i BTS"
    assert "spør om du vil vere oppfølgingsansvarleg i ei sak." in message.body
    assert "Meldinga inneheld ingen personopplysningar. Logg inn i BTS." in message.body


def test_the_daily_reminders_are_in_nynorsk(
    make_case, employee, nynorsk, django_capture_on_commit_callbacks
):
    employee.email = "ingrid@example.invalid"
    employee.save()
    case = make_case()

    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(case.decision_due - dt.timedelta(days=1))

    [message] = mail.outbox
    assert message.subject == "Fristar i BTS"
    assert f"Sak {case.pk}: avgjerd på nivå 0" in message.body


def test_the_daily_archive_run_writes_in_nynorsk(make_case, employee, nynorsk):
    case = make_case()
    decide(case, employee, None, "Avklart etter samtalen.")

    call_command("archive_closed_cases", stdout=io.StringIO())

    case.refresh_from_db()
    content = bytes(StoredFile.objects.get(pk=case.archive_id).content)
    assert case.archive_sha256 == hashlib.sha256(content).hexdigest()
    with zipfile.ZipFile(BytesIO(content)) as package:
        root = ET.fromstring(package.read("arkivstruktur.xml"))  # noqa: S314 - our own output
        titles = [t.text for t in root.findall(".//n:registrering/n:tittel", NOARK)]
        whole = next(n for n in package.namelist() if n.endswith(".pdf"))
        reader = PdfReader(BytesIO(package.read(whole)))
    assert titles[0] == "Saka samla" and any(t.startswith("Avgjerd") for t in titles)
    assert reader.trailer["/Root"]["/Lang"] == "nn"
    assert case.relay_entries.filter(kind="archived").get().text.startswith("Arkivpakke laga")
