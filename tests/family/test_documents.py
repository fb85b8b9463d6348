"""The family's documents and notices: a referat reaches the family's page when the holder shares
it (then as PDF, and an e-mail says something is new); an invitation to a meeting ahead, the
decisions and the consents as PDFs; nothing else. The holder sees the family's answers and
topics beside the referat, and the child's own words beside the evaluation."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bts.events import AccessAudit
from bts.models import AuditEvent
from cases import services
from cases.models import Guardian, RelayEntry
from family.events import FamilyAudit
from tests.factories import home_municipality, meeting_ahead
from tests.family.sessions import family_session_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def emma(guide, employee):
    child = services.child_create(
        user=employee,
        child=services.ChildData("Emma", "Hansen", dt.date(2019, 5, 1)),
        guardians=[services.GuardianData("Lise Hansen", "mor")],
    )
    return services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Emma gråter.", timezone.localdate(), "Ute", 2),
    )


def meeting_on(case, employee, starts_at):
    return meeting_ahead(case, employee, starts_at=starts_at)


def as_guardian(client, case) -> Guardian:
    guardian = case.child.guardians.get()
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, guardians=[guardian.pk], children=[case.child_id]
    )
    return guardian


def confirm_address(case, address="lise@example.invalid"):
    Guardian.objects.filter(child=case.child).update(
        notice_email=address, notice_email_confirmed_at=timezone.now()
    )


def pdf_text(response) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def test_a_referat_reaches_the_family_when_the_holder_shares_it(
    client, emma, employee, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = meeting_on(emma, employee, timezone.now() - dt.timedelta(hours=2))
    services.minutes_save(
        meeting=meeting,
        user=employee,
        data={"present": "Lise Hansen, Ingrid", "measures_agreed": "Fast leggetid."},
        version=0,
    )
    url = reverse("family:document", args=[emma.pk, "referat", meeting.pk])
    as_guardian(client, emma)
    assert (
        "Ingen referater er delt med dere ennå"
        in client.get(reverse("family:case", args=[emma.pk])).content.decode()
    )
    assert client.get(url).status_code == 404  # not shared yet
    assert AuditEvent.objects.filter(
        kind=AccessAudit.ACCESS_REFUSED, detail="family_document:referat"
    ).exists()

    confirm_address(emma)
    staff = client.__class__()
    staff.force_login(employee)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("cases:minutes_share", args=[emma.pk, meeting.pk]), {"share": "family"})
        staff.post(reverse("cases:minutes_share", args=[emma.pk, meeting.pk]), {"share": "family"})
    (mail,) = mailoutbox  # shared twice: once
    assert "Emma" not in mail.body and "referat" not in mail.body.lower()

    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Fast leggetid." in pdf_text(response)
    assert AuditEvent.objects.filter(
        kind=FamilyAudit.FAMILY_DOCUMENT_EXPORTED, case_id=emma.pk, detail__startswith="referat;"
    ).exists()


def test_a_meeting_booked_tells_the_family_by_e_mail(
    emma, employee, mailoutbox, django_capture_on_commit_callbacks
):
    confirm_address(emma)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_on(emma, employee, timezone.now() + dt.timedelta(days=3))
    family = [m for m in mailoutbox if m.to == ["lise@example.invalid"]]
    (mail,) = family
    assert "Barnehagen" not in mail.body and "Hansen" not in mail.body


def test_an_unconfirmed_address_gets_no_notice(
    emma, employee, mailoutbox, django_capture_on_commit_callbacks
):
    Guardian.objects.filter(child=emma.child).update(notice_email="lise@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_on(emma, employee, timezone.now() + dt.timedelta(days=3))
    assert not [m for m in mailoutbox if m.to == ["lise@example.invalid"]]


def test_the_invitation_and_another_case_s_documents(client, emma, employee, guide):
    meeting = meeting_on(emma, employee, timezone.now() + dt.timedelta(days=3))
    as_guardian(client, emma)
    response = client.get(reverse("family:document", args=[emma.pk, "invitasjon", meeting.pk]))
    assert response.status_code == 200 and "Barnehagen" in pdf_text(response)
    for kind, pk in (("beslutning", 999), ("samtykke", 999), ("ukjent", meeting.pk)):
        url = reverse("family:document", args=[emma.pk, kind, pk])
        assert client.get(url).status_code == 404


def test_the_family_confirms_and_removes_its_address_with_bad_input_refused(client, emma):
    guardian = as_guardian(client, emma)
    response = client.post(reverse("family:contact"), {"email": "ikke en adresse"})
    assert response.status_code == 400
    assert "Skriv en gyldig e-postadresse" in response.content.decode()
    guardian.refresh_from_db()
    assert guardian.notice_email == ""
    client.post(reverse("family:contact"), {"email": "lise@example.invalid"})
    guardian.refresh_from_db()
    assert guardian.notice_email == "lise@example.invalid" and guardian.notice_email_confirmed_at
    assert (
        "Du får varsler på lise@example.invalid"
        in client.get(reverse("family:entry")).content.decode()
    )
    client.post(reverse("family:contact"), {"email": ""})
    guardian.refresh_from_db()
    assert guardian.notice_email == "" and guardian.notice_email_confirmed_at is None
    details = set(
        AuditEvent.objects.filter(kind=FamilyAudit.FAMILY_CONTACT_CHANGED).values_list(
            "detail", flat=True
        )
    )
    assert details == {f"confirmed;guardian:{guardian.pk}", f"removed;guardian:{guardian.pk}"}


def test_the_holder_sees_the_family_s_answers_topics_and_the_child_s_words(client, emma, employee):
    meeting = meeting_on(emma, employee, timezone.now() + dt.timedelta(days=3))
    services.meeting_answer(
        meeting=meeting, author="Lise Hansen", answer="coming", message="", who="guardian:1"
    )
    services.family_note_add(
        case=emma,
        author="Lise Hansen",
        text="Vi vil snakke om leggetid.",
        who="guardian:1",
        kind=RelayEntry.Kind.FAMILY_TOPIC,
    )
    client.force_login(employee)
    page = client.get(reverse("cases:minutes", args=[emma.pk, meeting.pk])).content.decode()
    voice = page[page.index('id="family-voice"') :]
    assert "Lise Hansen: vi kommer" in voice and "Vi vil snakke om leggetid." in voice

    measure = services.measure_add(
        case=emma,
        user=employee,
        description="Fast leggetid",
        goal="Emma sover bedre",
        location="Hjemme",
        responsible_service=employee.memberships.first().service,
        starts_on=timezone.localdate(),
        evaluation_due=timezone.localdate() + dt.timedelta(days=30),
    )
    services.family_note_add(
        case=emma,
        author="Emma",
        text="Jeg liker å lese før jeg sover.",
        who="guardian:1",
        kind=RelayEntry.Kind.CHILD_WORDS,
    )
    page = client.get(reverse("cases:evaluation_new", args=[emma.pk, measure.pk])).content.decode()
    assert "Jeg liker å lese før jeg sover." in page[page.index('id="child-words"') :]


def test_the_referat_page_offers_sharing_until_it_is_shared(client, emma, employee):
    meeting = meeting_on(emma, employee, timezone.now() - dt.timedelta(hours=2))
    services.minutes_save(meeting=meeting, user=employee, data={"present": "Lise"}, version=0)
    client.force_login(employee)
    url = reverse("cases:minutes", args=[emma.pk, meeting.pk])
    assert "Del referatet med familien" in client.get(url).content.decode()
    client.post(reverse("cases:minutes_share", args=[emma.pk, meeting.pk]), {})  # no button
    assert "Del referatet med familien" in client.get(url).content.decode()
    client.post(reverse("cases:minutes_share", args=[emma.pk, meeting.pk]), {"share": "family"})
    page = client.get(url).content.decode()
    assert "Del referatet med familien" not in page and "Delt med familien" in page
