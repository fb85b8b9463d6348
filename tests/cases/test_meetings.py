"""Meetings and their minutes: invitations, idempotency, optimistic locking, the conflict page."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bts.models import AuditEvent, Role
from bts.services import membership_grant
from cases import services
from cases.events import CaseAudit
from cases.models import Meeting, Minutes, RelayEntry
from tests.factories import ServiceFactory, UserFactory


@pytest.fixture
def case(make_case):
    return make_case(first_name="Ola", birth_date=timezone.localdate() - timedelta(days=4 * 365))


@pytest.fixture
def leader(make_user):
    """Leads the kindergarten, so may see and work on the employee's case."""
    return make_user(Role.LEADER, first_name="Liv", last_name="Leder")


def at(year, month, day, hour=9, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def invite(case, user, kindergarten, **overrides):
    fields = {
        "case": case,
        "user": user,
        "kind": "samarbeidsmote",
        "starts_at": at(2026, 12, 4),  # held: its referat can be written
        "place": "Solsikken barnehage",
        "agenda": "Hvordan har Ola det om morgenen?",
        "participants": [user],
        "participant_services": [kindergarten],
        "other_participants": "Mor og far",
        "idempotency_key": uuid.uuid4(),
    }
    return services.meeting_invite(**(fields | overrides))


SECTIONS_A = {"present": "Mor, far, pedagogisk leder", "child_voice": "Ola liker å male."}


def minutes_url(case, meeting):
    return reverse("cases:minutes", args=[case.pk, meeting.pk])


def minutes_post(version, **sections):
    return {"version": version, **{name: sections.get(name, "") for name in Minutes.SECTIONS}}


# --- Invitations --------------------------------------------------------------------------------


def test_invite_creates_one_meeting_and_one_relay_entry(case, employee, kindergarten):
    before = case.relay_entries.count()

    meeting = invite(case, employee, kindergarten)

    assert Meeting.objects.filter(case=case).count() == 1
    assert list(meeting.participants.all()) == [employee]
    assert list(meeting.participant_services.all()) == [kindergarten]
    assert meeting.invited_by == employee
    entries = case.relay_entries.filter(kind=RelayEntry.Kind.MEETING)
    assert case.relay_entries.count() == before + 1
    assert [e.text for e in entries] == [
        "Samarbeidsmøte 04.12.2026 kl. 09:00 på Solsikken barnehage er avtalt."
    ]


def test_invite_twice_with_the_same_key_creates_one_meeting(case, employee, kindergarten):
    key = uuid.uuid4()

    first = invite(case, employee, kindergarten, idempotency_key=key)
    second = invite(case, employee, kindergarten, idempotency_key=key)

    assert first == second
    assert Meeting.objects.filter(case=case).count() == 1
    assert case.relay_entries.filter(kind=RelayEntry.Kind.MEETING).count() == 1


def test_double_submit_through_the_form_creates_one_meeting(case, employee_client, kindergarten):
    employee = case.responsible
    data = {
        "kind": "undringssamtale",
        "starts_at": "2026-12-12T09:00",
        "place": "Solsikken barnehage",
        "agenda": "Undringssamtale med foresatte",
        "participants": [employee.pk],
        "participant_services": [kindergarten.pk],
        "other_participants": "",
        "idempotency_key": str(uuid.uuid4()),
    }
    url = reverse("cases:meeting_new", args=[case.pk])

    assert employee_client.post(url, data).status_code == 302
    assert employee_client.post(url, data).status_code == 302

    assert Meeting.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(case_id=case.pk, detail="meeting").exists()


def test_inactive_participant_is_refused(case, employee, kindergarten):
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError):
        invite(case, employee, kindergarten, participants=[employee, gone])
    assert not Meeting.objects.exists()


def test_service_outside_the_case_is_refused(case, employee, kindergarten):
    outsider = ServiceFactory(name="Eikebakken skole")
    with pytest.raises(ValidationError):
        invite(case, employee, kindergarten, participant_services=[outsider])


def test_form_offers_only_the_case_services_and_their_people(
    case, employee_client, kindergarten, leader
):
    outsider_service = ServiceFactory(name="Eikebakken skole")
    outsider = UserFactory(first_name="Ukjent", last_name="Lærer")
    membership_grant(user=outsider, role=Role.EMPLOYEE, service=outsider_service)

    response = employee_client.get(reverse("cases:meeting_new", args=[case.pk]))

    assert response.status_code == 200
    services_field = response.context["form"].fields["participant_services"]
    assert list(services_field.queryset) == [kindergarten]
    people = set(response.context["form"].fields["participants"].queryset)
    assert people == {case.responsible, leader}
    assert "Eikebakken skole" not in response.text


def test_a_service_involved_under_consent_is_offered_until_the_consent_is_withdrawn(
    case, employee, employee_client, kindergarten
):
    school = ServiceFactory(name="Eikebakken skole")
    consent = services.consent_record(
        case=case,
        user=employee,
        services=[school],
        guardians=list(case.child.guardians.all()),
        information=["wellbeing"],
        form="written",
        purpose="Samarbeid",
        given_on=timezone.localdate(),
    )
    services.service_involve(case=case, user=employee, service=school)
    url = reverse("cases:meeting_new", args=[case.pk])

    offered = employee_client.get(url).context["form"].fields["participant_services"].queryset
    assert set(offered) == {kindergarten, school}
    invite(case, employee, kindergarten, participant_services=[kindergarten, school])

    consent.withdrawn_on = timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    offered = employee_client.get(url).context["form"].fields["participant_services"].queryset
    assert list(offered) == [kindergarten]
    with pytest.raises(ValidationError):
        invite(case, employee, kindergarten, participant_services=[school])


def test_a_meeting_in_the_past_is_allowed(case, employee_client, kindergarten):
    past = timezone.localtime() - timedelta(days=3)
    response = employee_client.post(
        reverse("cases:meeting_new", args=[case.pk]),
        {
            "kind": "undringssamtale",  # the kind nivå 0 has
            "starts_at": past.strftime("%Y-%m-%dT%H:%M"),
            "place": "Solsikken barnehage",
            "agenda": "Samarbeidsmøte",
            "participant_services": [kindergarten.pk],
            "idempotency_key": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 302
    assert timezone.localtime(Meeting.objects.get(case=case).starts_at).date() == past.date()


def test_missing_place_and_time_give_norwegian_field_errors(case, employee_client, kindergarten):
    response = employee_client.post(
        reverse("cases:meeting_new", args=[case.pk]),
        {
            "kind": "samarbeidsmote",
            "starts_at": "",
            "place": "",
            "agenda": "Samarbeidsmøte",
            "participant_services": [kindergarten.pk],
            "idempotency_key": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["starts_at"] == ["Skriv dato og klokkeslett for møtet."]
    assert form.errors["place"] == ["Skriv hvor møtet skal være."]
    assert 'id="id_place_error"' in response.text
    assert "Skriv hvor møtet skal være." in response.text
    assert not Meeting.objects.exists()


def test_employee_of_another_service_cannot_invite(case, make_user, client):
    outsider = make_user(Role.EMPLOYEE, service=ServiceFactory(name="Eikebakken skole"))
    client.force_login(outsider)
    assert client.get(reverse("cases:meeting_new", args=[case.pk])).status_code == 404


# --- Minutes ------------------------------------------------------------------------------------


def test_first_save_creates_the_minutes_at_version_1(case, employee, kindergarten):
    meeting = invite(case, employee, kindergarten)

    minutes = services.minutes_save(meeting=meeting, user=employee, data=SECTIONS_A, version=0)

    assert minutes.version == 1
    assert minutes.present == "Mor, far, pedagogisk leder"
    assert minutes.updated_by == employee
    entry = case.relay_entries.filter(kind=RelayEntry.Kind.MINUTES).get()
    assert entry.text == "Referat fra samarbeidsmøte 04.12.2026 er lagret (versjon 1)."
    assert "Ola liker" not in entry.text


def test_two_editors_second_save_is_a_conflict_and_overwrites_nothing(
    case, employee, leader, kindergarten
):
    meeting = invite(case, employee, kindergarten)
    services.minutes_save(meeting=meeting, user=employee, data={"present": "Mor"}, version=0)
    # A and B both load version 1.
    loaded_by_a = loaded_by_b = Minutes.objects.get(meeting=meeting).version
    assert loaded_by_a == 1

    saved = services.minutes_save(
        meeting=meeting, user=employee, data={"present": "Mor og far (A)"}, version=loaded_by_a
    )
    assert saved.version == 2

    with pytest.raises(services.MinutesConflict) as conflict:
        services.minutes_save(
            meeting=meeting, user=leader, data={"present": "Bare mor (B)"}, version=loaded_by_b
        )

    assert conflict.value.current.version == 2
    assert conflict.value.current.present == "Mor og far (A)"
    stored = Minutes.objects.get(meeting=meeting)
    assert (stored.version, stored.present, stored.updated_by) == (2, "Mor og far (A)", employee)
    assert case.relay_entries.filter(kind=RelayEntry.Kind.MINUTES).count() == 2


def test_two_first_saves_conflict_too(case, employee, leader, kindergarten):
    meeting = invite(case, employee, kindergarten)
    services.minutes_save(meeting=meeting, user=employee, data={"present": "A"}, version=0)

    with pytest.raises(services.MinutesConflict):
        services.minutes_save(meeting=meeting, user=leader, data={"present": "B"}, version=0)

    assert Minutes.objects.get(meeting=meeting).present == "A"


def test_a_repeated_identical_save_is_not_a_conflict(case, employee, kindergarten):
    meeting = invite(case, employee, kindergarten)
    services.minutes_save(meeting=meeting, user=employee, data=SECTIONS_A, version=0)

    again = services.minutes_save(meeting=meeting, user=employee, data=SECTIONS_A, version=0)

    assert again.version == 1
    assert case.relay_entries.filter(kind=RelayEntry.Kind.MINUTES).count() == 1


def test_two_editors_through_the_pages(case, employee_client, client, leader, kindergarten):
    meeting = invite(case, case.responsible, kindergarten)
    url = minutes_url(case, meeting)
    leader_client = client.__class__()
    leader_client.force_login(leader)

    # Both open the empty minutes (version 0); A saves first, then saves again (version 2).
    assert employee_client.get(url).context["form"].initial["version"] == 0
    assert employee_client.post(url, minutes_post(0, present="Mor")).status_code == 302
    # B loads version 1 now.
    assert leader_client.get(url).context["form"].initial["version"] == 1
    response = employee_client.post(
        url, minutes_post(1, present="Mor og far", child_voice="Ola vil ha fast voksen (A)")
    )
    assert response.status_code == 302
    assert Minutes.objects.get(meeting=meeting).version == 2

    # B saves with the version B loaded: conflict page, nothing overwritten.
    response = leader_client.post(
        url, minutes_post(1, present="Mor og far", child_voice="Ola vil gå tidlig hjem (B)")
    )
    assert response.status_code == 409
    assert "Referatet er endret av en annen" in response.text
    assert "Ola vil ha fast voksen (A)" in response.text
    assert "Ola vil gå tidlig hjem (B)" in response.text
    assert str(case.responsible) in response.text  # who saved
    assert "(versjon 2) etter at du åpnet det." in response.text
    assert f"Lagret av {case.responsible}" in response.text
    assert f'action="{url}"' in response.text and "Lagre referatet" in response.text
    merge_form = response.context["form"]
    assert merge_form.initial["version"] == 2
    assert merge_form.initial["child_voice"] == "Ola vil gå tidlig hjem (B)"
    assert [row["label"] for row in response.context["rows"]] == ["Barnets stemme"]
    stored = Minutes.objects.get(meeting=meeting)
    assert (stored.version, stored.child_voice) == (2, "Ola vil ha fast voksen (A)")
    assert AuditEvent.objects.filter(case_id=case.pk, detail="minutes:conflict").count() == 1

    # B merges and saves with the current version.
    merged = "Ola vil ha fast voksen (A). Ola vil gå tidlig hjem (B)"
    response = leader_client.post(url, minutes_post(2, present="Mor og far", child_voice=merged))
    assert response.status_code == 302
    stored = Minutes.objects.get(meeting=meeting)
    assert (stored.version, stored.child_voice, stored.updated_by) == (3, merged, leader)
    assert case.relay_entries.filter(kind=RelayEntry.Kind.MINUTES).count() == 3


def test_minutes_page_shows_the_meeting_and_who_saved(case, employee_client, kindergarten):
    meeting = invite(case, case.responsible, kindergarten)
    services.minutes_save(meeting=meeting, user=case.responsible, data=SECTIONS_A, version=0)

    response = employee_client.get(minutes_url(case, meeting))

    assert response.status_code == 200
    assert "Referat fra Samarbeidsmøte 04.12.2026" in response.text
    assert "Hvordan har Ola det om morgenen?" in response.text
    assert "(versjon 1)" in response.text
    assert "Ola liker å male." in response.text
    assert AuditEvent.objects.filter(
        case_id=case.pk, kind=CaseAudit.CASE_VIEWED, detail="minutes"
    ).exists()


def test_user_of_another_service_gets_404_on_the_minutes(case, make_user, client, kindergarten):
    meeting = invite(case, case.responsible, kindergarten)
    other = ServiceFactory(name="Eikebakken skole")
    for role in (Role.EMPLOYEE, Role.LEADER):
        outsider = make_user(role, service=other)
        client.force_login(outsider)
        url = minutes_url(case, meeting)
        assert client.get(url).status_code == 404
        assert client.post(url, minutes_post(0, present="x")).status_code == 404
    assert not Minutes.objects.exists()


def test_a_meeting_of_another_case_is_404(case, employee, employee_client, kindergarten):
    other_case = services.case_open(
        user=employee,
        service=kindergarten,
        child=case.child,
        concern=services.ConcernData("Ny undring", timezone.localdate(), "Ute", 1),
    )
    meeting = invite(other_case, employee, kindergarten)

    assert employee_client.get(minutes_url(case, meeting)).status_code == 404
    assert employee_client.get(minutes_url(other_case, meeting)).status_code == 200


def test_minutes_of_a_closed_case_can_be_read_but_not_changed(
    case, employee, employee_client, kindergarten
):
    meeting = invite(case, employee, kindergarten)
    services.minutes_save(meeting=meeting, user=employee, data=SECTIONS_A, version=0)
    case.status = case.Status.CLOSED
    case.save(update_fields=["status"])

    response = employee_client.get(minutes_url(case, meeting))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Ola liker å male." in response.text

    response = employee_client.post(minutes_url(case, meeting), minutes_post(1, present="Ny"))
    assert response.status_code == 403
    assert Minutes.objects.get(meeting=meeting).version == 1


def test_case_page_lists_the_meeting_with_a_link_to_the_minutes(
    case, employee_client, kindergarten
):
    meeting = invite(case, case.responsible, kindergarten)

    response = employee_client.get(reverse("cases:detail", args=[case.pk]))

    assert "Møter og tiltak" in response.text
    assert minutes_url(case, meeting) in response.text
    assert reverse("cases:meeting_new", args=[case.pk]) in response.text
    assert reverse("cases:measure_new", args=[case.pk]) in response.text
