"""The family's voice in the log ("Vår stemme"): a guardian or the young person writes in the
relay log of their own case, signed with their name; the holder is told by e-mail without
personal data; nothing invisible, nothing twice, nothing in another family's case."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bts.models import AuditEvent
from cases import services
from cases.models import RelayEntry
from tests.factories import home_municipality
from tests.family.sessions import family_session_key

pytestmark = pytest.mark.django_db

WORDS = "Emma sover dårlig, og vi vil gjerne ha et møte før jul."


@pytest.fixture
def emma(guide, employee):
    child = services.child_create(
        user=employee,
        child=services.ChildData("Emma", "Hansen", dt.date(2019, 5, 1)),
        guardians=[
            services.GuardianData("Lise Hansen", "mor"),
            services.GuardianData("Tor Hansen", "far"),
        ],
    )
    return services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Emma gråter.", timezone.localdate(), "Ute", 2),
    )


def as_guardian(client, case, name: str) -> None:
    guardian = case.child.guardians.get(name=name)
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, guardians=[guardian.pk], children=[case.child_id]
    )


def write(client, case, text: str, key: str = "6f2c8a0e-0a6f-4d5e-9b1e-0f6f1f6f1f6f"):
    return client.post(
        reverse("family:note_add", args=[case.pk]), {"text": text, "idempotency_key": key}
    )


def notes(case):
    return list(case.relay_entries.filter(kind=RelayEntry.Kind.FAMILY_NOTE))


def test_a_guardian_writes_in_the_log_and_the_holder_is_told(
    client, emma, employee, mailoutbox, django_capture_on_commit_callbacks
):
    as_guardian(client, emma, "Lise Hansen")
    with django_capture_on_commit_callbacks(execute=True):
        response = write(client, emma, WORDS)
    assert response.status_code == 302
    (note,) = notes(emma)
    assert note.text == WORDS and note.actor is None and note.by_family == "Lise Hansen"
    event = AuditEvent.objects.get(case_id=emma.pk, detail__startswith="family_note")
    assert event.detail == f"family_note;guardian:{emma.child.guardians.get(name='Lise Hansen').pk}"
    # The holder's e-mail says something new is there, and nothing of what or whom.
    (mail,) = mailoutbox
    assert mail.to == [employee.email]
    assert "Emma" not in mail.body and WORDS not in mail.body and "Hansen" not in mail.body
    # On the staff's case page and the family's, the note is the family's, by name.
    client.cookies.clear()
    client.force_login(employee)
    page = client.get(reverse("cases:detail", args=[emma.pk])).content.decode()
    assert "Lise Hansen (familien)" in page and "Vår stemme" in page


def test_invisible_only_text_is_refused_at_the_field(client, emma):
    as_guardian(client, emma, "Lise Hansen")
    response = write(client, emma, "\u200b \n\u00a0\u2060")
    assert response.status_code == 400
    assert "Skriv noe som kan leses." in response.content.decode()
    assert notes(emma) == []


def test_a_double_submit_writes_one_note(client, emma):
    as_guardian(client, emma, "Lise Hansen")
    write(client, emma, WORDS)
    write(client, emma, WORDS)
    assert len(notes(emma)) == 1


def test_both_guardians_write_without_overwriting_each_other(client, emma):
    as_guardian(client, emma, "Lise Hansen")
    write(client, emma, "Fra mor.", key="11111111-1111-4111-8111-111111111111")
    as_guardian(client, emma, "Tor Hansen")
    write(client, emma, "Fra far.", key="22222222-2222-4222-8222-222222222222")
    assert {(n.by_family, n.text) for n in notes(emma)} == {
        ("Lise Hansen", "Fra mor."),
        ("Tor Hansen", "Fra far."),
    }


def test_another_family_cannot_write_in_the_case(client, emma, employee):
    other = services.child_create(
        user=employee, child=services.ChildData("Jonas", "Berg", dt.date(2018, 2, 2))
    )
    client.cookies[settings.SESSION_COOKIE_NAME] = family_session_key(
        municipality_id=home_municipality().pk, guardians=[1], children=[other.pk]
    )
    assert write(client, emma, WORDS).status_code == 404
    assert notes(emma) == []


def test_staff_write_no_family_note(employee_client, emma):
    assert write(employee_client, emma, WORDS).status_code == 403
    assert notes(emma) == []


@pytest.mark.parametrize(
    ("what", "kind", "label"),
    [
        ("tema", RelayEntry.Kind.FAMILY_TOPIC, "Tema familien vil ta opp"),
        ("barnets-ord", RelayEntry.Kind.CHILD_WORDS, "Barnets egne ord"),
    ],
)
def test_a_topic_for_the_meeting_and_the_child_s_own_words(
    client, emma, employee, what, kind, label
):
    as_guardian(client, emma, "Lise Hansen")
    page = client.get(reverse("family:case", args=[emma.pk])).content.decode()
    assert reverse("family:write", args=[emma.pk, what]) in page
    response = client.post(
        reverse("family:write", args=[emma.pk, what]),
        {f"{what}-text": WORDS, f"{what}-idempotency_key": "7f2c8a0e-0a6f-4d5e-9b1e-0f6f1f6f1f6f"},
    )
    assert response.status_code == 302
    entry = emma.relay_entries.get(kind=kind)
    assert entry.text == WORDS and entry.by_family == "Lise Hansen"
    client.cookies.clear()
    client.force_login(employee)
    staff = client.get(reverse("cases:detail", args=[emma.pk])).content.decode()
    assert label in staff


def test_nothing_else_can_be_written(client, emma):
    as_guardian(client, emma, "Lise Hansen")
    response = client.post(
        reverse("family:write", args=[emma.pk, "beslutning"]), {"beslutning-text": WORDS}
    )
    assert response.status_code == 404
    assert not emma.relay_entries.filter(by_family="Lise Hansen").exists()
