"""The family answers a meeting in their case: they come, or they ask for another time and say
when suits. The answer is kept and stands in the relay log; the holder is told by e-mail
without personal data; a meeting long past, or of another family, cannot be answered."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bts.models import AuditEvent
from cases import services
from cases.models import MeetingAnswer, RelayEntry
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


def meeting_in(case, employee, *, days: float):
    return meeting_ahead(
        case, employee, days=days, place="Solsikken barnehage", service=case.owner_service
    )


@pytest.fixture
def family(client, emma):
    guardian = emma.child.guardians.get()
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, guardians=[guardian.pk], children=[emma.child_id]
    )
    return client


def answer(client, case, meeting, value, message="", key="3f2c8a0e-0a6f-4d5e-9b1e-0f6f1f6f1f6f"):
    prefix = f"mote-{meeting.pk}"
    return client.post(
        reverse("family:meeting_answer", args=[case.pk, meeting.pk]),
        {
            f"{prefix}-answer": value,
            f"{prefix}-message": message,
            f"{prefix}-idempotency_key": key,
        },
    )


def test_the_family_says_they_come_and_the_holder_sees_it(
    family, emma, employee, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = meeting_in(emma, employee, days=5)
    page = family.get(reverse("family:case", args=[emma.pk])).content.decode()
    assert f'id="meeting-{meeting.pk}"' in page and "Vi kommer" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = answer(family, emma, meeting, "coming")
    assert response.status_code == 302
    (made,) = MeetingAnswer.objects.filter(meeting=meeting)
    assert made.answer == "coming" and made.by_family == "Lise Hansen"
    entry = emma.relay_entries.get(kind=RelayEntry.Kind.MEETING_ANSWER)
    assert entry.by_family == "Lise Hansen" and "Kommer på" in entry.text
    assert AuditEvent.objects.filter(case_id=emma.pk, detail__startswith="meeting_answer").exists()
    (mail,) = mailoutbox
    assert "Emma" not in mail.body and "Hansen" not in mail.body
    page = family.get(reverse("family:case", args=[emma.pk])).content.decode()
    assert "Lise Hansen: vi kommer" in page


def test_asking_for_another_time_says_when(family, emma, employee):
    meeting = meeting_in(emma, employee, days=5)
    refused = answer(family, emma, meeting, "another_time", message="\u200b ")
    assert refused.status_code == 400
    assert "Skriv når det passer bedre." in refused.content.decode()
    assert not MeetingAnswer.objects.exists()
    answer(family, emma, meeting, "another_time", message="Etter kl. 14 passer bedre.")
    made = MeetingAnswer.objects.get()
    assert made.answer == "another_time" and made.message == "Etter kl. 14 passer bedre."
    entry = emma.relay_entries.get(kind=RelayEntry.Kind.MEETING_ANSWER)
    assert "Etter kl. 14 passer bedre." in entry.text


def test_a_double_submit_answers_once(family, emma, employee):
    meeting = meeting_in(emma, employee, days=5)
    answer(family, emma, meeting, "coming")
    answer(family, emma, meeting, "coming")
    assert MeetingAnswer.objects.count() == 1
    assert emma.relay_entries.filter(kind=RelayEntry.Kind.MEETING_ANSWER).count() == 1


def test_an_unknown_answer_is_refused(family, emma, employee):
    meeting = meeting_in(emma, employee, days=5)
    assert answer(family, emma, meeting, "maybe").status_code == 400
    assert not MeetingAnswer.objects.exists()


def test_a_meeting_long_past_cannot_be_answered(family, emma, employee):
    meeting = meeting_in(emma, employee, days=-2)
    assert answer(family, emma, meeting, "coming").status_code == 404
    assert not MeetingAnswer.objects.exists()


def test_another_family_s_meeting_cannot_be_answered(client, emma, employee):
    meeting = meeting_in(emma, employee, days=5)
    other = services.child_create(
        user=employee, child=services.ChildData("Jonas", "Berg", dt.date(2018, 2, 2))
    )
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, guardians=[1], children=[other.pk]
    )
    assert answer(client, emma, meeting, "coming").status_code == 404
    assert not MeetingAnswer.objects.exists()
