"""The access log for leaders: on the page in words, as the family's access report (innsyn i
logg, PDF/A) for a period, and as CSV a spreadsheet cannot turn into formulas."""

import datetime as dt
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bts.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_case):
    return make_case(first_name="Åse", last_name="Ødegård")


@pytest.fixture
def leader_client(leader):
    browser = Client()
    browser.force_login(leader)
    return browser


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_the_page_says_in_words_what_was_read(employee_client, leader_client, case):
    employee_client.get(reverse("cases:detail", args=[case.pk]))
    employee_client.get(reverse("cases:concern_add", args=[case.pk]))

    page = leader_client.get(reverse("cases:access_log", args=[case.pk])).text

    assert "Sak lest" in page and "undringen" in page and "Ansatt" in page
    assert "concern_add" not in page, "codes are shown as words"
    assert reverse("cases:access_report", args=[case.pk]) in page


def test_the_access_report_lists_who_read_the_case_in_the_period(
    employee, employee_client, leader, leader_client, case
):
    employee_client.get(reverse("cases:detail", args=[case.pk]))
    employee_client.get(reverse("cases:consent_new", args=[case.pk]))
    today = timezone.localdate()

    url = reverse("cases:access_report", args=[case.pk])
    whole = leader_client.get(url)
    until_yesterday = leader_client.get(url, {"til": today - dt.timedelta(days=1)})

    assert whole.status_code == 200 and whole["Content-Type"] == "application/pdf"
    assert whole["Content-Disposition"].startswith("attachment;")
    text = pdf_text(whole.content)
    assert "Innsyn i logg" in text and "Åse Ødegård" in text
    assert str(employee) in text and "Sak lest: samtykke" in text
    assert f"Sak {case.pk}" in text and "Side 1 av" in text
    assert f"{today:%d.%m.%Y}" in text
    earlier = pdf_text(until_yesterday.content)
    assert "Ingen hendelser i perioden." in earlier and str(employee) not in earlier
    exported = AuditEvent.objects.filter(case_id=case.pk, kind="document_exported")
    assert exported.filter(actor=leader, detail="access_report").count() == 2


def test_a_period_upside_down_is_refused_with_a_message(leader_client, case):
    url = reverse("cases:access_report", args=[case.pk])
    response = leader_client.get(url, {"fra": "2026-11-20", "til": "2026-11-01"}, follow=True)
    assert "Sluttdatoen kan ikke være før startdatoen." in response.text
    assert not AuditEvent.objects.filter(kind="document_exported").exists()


def test_the_csv_neutralises_what_a_spreadsheet_would_run(
    make_user, leader_client, case, client, employee
):
    reader = make_user(Role.EMPLOYEE, first_name="=HYPERLINK(1)", last_name="x")
    from cases import services

    services.handover_offer(case=case, user=employee, to_user=reader)
    client.force_login(reader)
    client.get(reverse("cases:detail", args=[case.pk]))

    response = leader_client.get(reverse("cases:access_log_csv", args=[case.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1) x;Ansatt;Sak lest;;" in text
    assert "\n=HYPERLINK" not in text and ";=HYPERLINK" not in text


def test_only_the_owner_services_leader_gets_them(employee_client, case):
    for name in ("access_report", "access_log_csv"):
        assert employee_client.get(reverse(f"cases:{name}", args=[case.pk])).status_code == 403
    assert not AuditEvent.objects.filter(kind="document_exported").exists()
