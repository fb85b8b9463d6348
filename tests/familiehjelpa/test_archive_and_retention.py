"""Familiehjelpa's documents go into the case's archive package, and its personal data goes
with the case's when the retention period ends."""

import datetime as dt
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.archive import archive_package_make
from cases.models import Case
from cases.retention import case_anonymise
from familiehjelpa import services
from familiehjelpa.models import DukenVersion, Inquiry
from levels.rules import CLOSED
from tests.journey import close_through, decide

pytestmark = pytest.mark.django_db
NS = {"n": "http://www.arkivverket.no/standarder/noark5/arkivstruktur"}


@pytest.fixture
def planned(world):
    """The school inquiry with two DUKEN versions and its reply sent, and its case closed."""
    inquiry, user = world.inquiry, world.team_leader
    base = {
        "plan_for": "Emma og mor",
        "held_on": timezone.localdate(),
        "dreams": "At Emma gleder seg til skolen igjen.",
        "now": "Mor ringer kontaktlærer fredag.",
    }
    first = services.duken_save(inquiry=inquiry, user=user, data=base, based_on=0)
    services.duken_save(
        inquiry=inquiry,
        user=user,
        data=base | {"strengths": "Vi er gode på å snakke sammen – særlig på søndager."},
        based_on=first.number,
    )
    services.reply_sent(inquiry=inquiry, user=user)
    decide(world.case, user, CLOSED, reason="Ferdig.")
    return close_through(world.case, user)


def test_the_archive_package_holds_every_duken_version_and_the_reply(planned, world):
    archived = archive_package_make(case=planned, user=world.team_leader)
    package = zipfile.ZipFile(io.BytesIO(bytes(archived.archive.content)))
    names = package.namelist()
    root = ET.fromstring(package.read("arkivstruktur.xml"))  # noqa: S314 - our own output
    titles = [t.text for t in root.findall(".//n:registrering/n:tittel", NS)]

    inquiry = world.inquiry.pk
    assert f"dokumenter/duken-henvendelse-{inquiry}-v1.pdf" in names
    assert f"dokumenter/duken-henvendelse-{inquiry}-v2.pdf" in names
    assert f"dokumenter/svarbrev-henvendelse-{inquiry}.pdf" in names
    assert f"Svar på henvendelse {inquiry} til familiehjelpa" in titles
    second = PdfReader(io.BytesIO(package.read(f"dokumenter/duken-henvendelse-{inquiry}-v2.pdf")))
    text = "\n".join(page.extract_text() for page in second.pages)
    assert "Vi er gode på å snakke sammen – særlig på søndager." in text


def test_retention_removes_the_inquirys_personal_data_and_keeps_its_numbers(planned, world):
    Case.objects.filter(pk=planned.pk).update(
        archived_at=timezone.now() - dt.timedelta(days=500), last_activity_at=timezone.now()
    )
    case_anonymise(case_id=planned.pk)

    inquiry = Inquiry.objects.get(pk=world.inquiry.pk)
    assert (inquiry.caller_name, inquiry.caller_phone, inquiry.about) == ("", "", "")
    assert not DukenVersion.objects.filter(inquiry=inquiry).exists()
    assert set(inquiry.events.values_list("text", flat=True)) == {""}
    # What the numbers count stays.
    assert inquiry.source == Inquiry.Source.SERVICE and inquiry.received_at
    assert inquiry.channel == Inquiry.Channel.PHONE


def test_an_inquiry_that_also_concerns_a_living_case_keeps_its_data(planned, world, school_case):
    from familiehjelpa.models import InquiryCase

    InquiryCase.objects.create(inquiry=world.inquiry, case=school_case, linked_by=world.team_leader)
    case_anonymise(case_id=planned.pk)
    assert Inquiry.objects.get(pk=world.inquiry.pk).caller_name == "Per Lærer"
