import datetime as dt
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bts.isolation import visible
from bts.models import Role
from cases import services
from cases.access import visible_cases
from cases.models import Case, Coordination, Handover, Watch
from cases.reminders import send_due_reminders
from levels.rules import CLOSED
from tests.cases.conftest import decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(make_user):
    return make_user(Role.EMPLOYEE, first_name="Kari", email="kari@example.invalid")


def sees(user, case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def test_an_offer_changes_nothing_until_accepted(
    make_case, employee, colleague, django_capture_on_commit_callbacks
):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        services.handover_offer(case=case, user=employee, to_user=colleague, message="Ferie.")
    case.refresh_from_db()
    assert case.responsible == employee
    assert sees(colleague, case), "the one offered must see what they are asked to hold"
    assert case.relay_entries.filter(kind="handover").count() == 1
    [message] = mail.outbox
    assert message.to == ["kari@example.invalid"]
    assert "Emma" not in message.body and "Hansen" not in message.body
    assert reverse("cases:detail", args=[case.pk]) in message.body


def test_one_open_offer_at_a_time(make_case, employee, colleague, make_user):
    case = make_case()
    services.handover_offer(case=case, user=employee, to_user=colleague)
    with pytest.raises(ValidationError, match="allerede tilbudt"):
        services.handover_offer(case=case, user=employee, to_user=make_user(Role.EMPLOYEE))


def test_accepting_moves_the_responsibility_and_keeps_the_giver_following(
    make_case, employee, colleague, make_user, settings
):
    case = make_case()
    offer = services.handover_offer(case=case, user=employee, to_user=colleague)
    services.handover_answer(handover=offer, user=colleague, accept=True)
    case.refresh_from_db()
    assert case.responsible == colleague
    watch = Watch.objects.get(case=case, user=employee)
    from levels.models import Guide

    days = Guide.objects.get(is_active=True).follow_up_max_days
    assert watch.remind_on == timezone.localdate() + dt.timedelta(days=days)

    # The colleague passes it on again: they keep following it although they never created it.
    third = make_user(Role.EMPLOYEE)
    offer = services.handover_offer(case=case, user=colleague, to_user=third)
    services.handover_answer(handover=offer, user=third, accept=True)
    assert sees(colleague, case)
    texts = list(case.relay_entries.filter(kind="handover").values_list("text", flat=True))
    assert any("har overtatt som oppfølgingsansvarlig" in t for t in texts)


def test_declining_needs_a_reason_and_leaves_the_holder(make_case, employee, colleague):
    case = make_case()
    offer = services.handover_offer(case=case, user=employee, to_user=colleague)
    with pytest.raises(ValidationError, match="avslår"):
        services.handover_answer(handover=offer, user=colleague, accept=False)
    services.handover_answer(handover=offer, user=colleague, accept=False, answer="Full liste.")
    case.refresh_from_db()
    assert case.responsible == employee
    assert Handover.objects.get().status == Handover.Status.DECLINED
    assert not sees(colleague, case)


def test_only_the_one_offered_may_answer(make_case, employee, colleague, make_user):
    case = make_case()
    offer = services.handover_offer(case=case, user=employee, to_user=colleague)
    with pytest.raises(ValidationError):
        services.handover_answer(handover=offer, user=make_user(Role.EMPLOYEE), accept=True)


def test_handover_through_the_pages(client, make_case, employee, colleague):
    case = make_case()
    client.force_login(employee)
    response = client.post(
        reverse("cases:handover_new", args=[case.pk]),
        {"idempotency_key": str(uuid.uuid4()), "to_user": colleague.pk, "message": ""},
    )
    assert response.status_code == 302
    offer = Handover.objects.get()

    client.force_login(colleague)
    assert reverse("cases:handover_answer", args=[case.pk, offer.pk]) in client.get("/").text
    response = client.post(
        reverse("cases:handover_answer", args=[case.pk, offer.pk]), {"accept": "ja"}
    )
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.responsible == colleague

    client.force_login(employee)
    start = client.get("/").text
    assert 'id="watching"' in start and reverse("cases:detail", args=[case.pk]) in start


def test_coordinating_service_keeps_its_history(
    make_case, employee, school, consent_for, django_assert_max_num_queries
):
    case = make_case()
    with pytest.raises(ValidationError, match="ikke med i saken"):
        services.coordination_set(case=case, user=employee, service=school, reason="Skolen.")
    services.coordination_set(
        case=case, user=employee, service=case.owner_service, reason="Barnehagen kjenner Emma."
    )
    consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    services.coordination_set(
        case=case, user=employee, service=school, reason="Skolestart.", child_view="Vil det."
    )
    history = list(Coordination.objects.order_by("starts_at"))
    assert [c.service for c in history] == [case.owner_service, school]
    assert history[0].ends_at is not None and history[1].ends_at is None
    assert history[1].child_view == "Vil det."
    assert case.relay_entries.filter(kind="coordination").count() == 2


def _raise_to_3(case, employee, school, consent_for):
    decide(case, employee, 1, "Ja.")
    consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    decide(case, employee, 3, "Sammensatt.")
    case.refresh_from_db()


def test_nivå_3_records_what_was_offered(make_case, employee, school, consent_for, make_user):
    case = make_case()
    with pytest.raises(ValidationError, match="nivå 3"):
        services.wide_collaboration_save(
            case=case, user=employee, familiehjelpa="accepted", coordinator=None,
            child_coordinator=None, individual_plan="not_yet",
        )  # fmt: skip
    _raise_to_3(case, employee, school, consent_for)
    coordinator = make_user(Role.FAMILY_CONTACT)
    services.wide_collaboration_save(
        case=case, user=employee, familiehjelpa="accepted", coordinator=coordinator,
        child_coordinator=None, individual_plan="declined", note="",
    )  # fmt: skip
    entry = case.relay_entries.get(kind="wide").text
    assert "Familiehjelpa: tilbudt og ønsket" in entry
    assert "individuell plan: tilbudt, familien takket nei" in entry
    assert sees(coordinator, case)


def test_nivå_3_panel_on_the_case_page(employee_client, make_case, employee, school, consent_for):
    case = make_case()
    assert "Nivå 3: bredt" not in employee_client.get(f"/saker/{case.pk}/").text
    _raise_to_3(case, employee, school, consent_for)
    page = employee_client.get(f"/saker/{case.pk}/").text
    assert "Familiehjelpa skal tilbys" in page
    assert reverse("cases:wide_collaboration", args=[case.pk]) in page


def test_meeting_invitations_are_mailed_after_commit_without_names(
    make_case, employee, colleague, django_capture_on_commit_callbacks
):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invite(
            case=case, user=employee, kind="samarbeidsmote",
            starts_at=timezone.now() + dt.timedelta(days=3), place="Solsikken",
            agenda="Emmas trivsel", participants=[colleague],
            participant_services=[case.owner_service],
        )  # fmt: skip
    [message] = mail.outbox
    assert message.to == [colleague.email]
    assert "Invitasjon" in message.subject
    assert "Emma" not in message.body


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the daily reminders; mail goes out when the transaction commits."""

    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return send_due_reminders(today)

    return run


class TestReminders:
    def test_decision_due_is_mailed_once(self, make_case, employee, settings, remind):
        employee.email = "ingrid@example.invalid"
        employee.save()
        case = make_case()
        today = case.decision_due - dt.timedelta(days=1)
        assert remind(today) == 1
        assert remind(today) == 0
        [message] = mail.outbox
        assert f"Sak {case.pk}: beslutning på nivå 0" in message.body
        assert "Emma" not in message.body

    def test_nothing_far_ahead_and_nothing_for_closed_cases(self, make_case, employee, remind):
        employee.email = "ingrid@example.invalid"
        employee.save()
        case = make_case()
        assert remind(case.decision_due - dt.timedelta(days=5)) == 0
        decide(case, employee, CLOSED, "Avklart.")
        assert remind(case.decision_due + dt.timedelta(days=5)) == 0
        assert mail.outbox == []

    def test_overdue_evaluation_and_the_follow_up_meeting(self, make_case, employee, remind):
        employee.email = "ingrid@example.invalid"
        employee.save()
        case = make_case()
        Case.objects.filter(pk=case.pk).update(decision_due=None)
        start = timezone.localdate() - dt.timedelta(days=40)
        services.measure_add(
            case=case, user=employee, description="Matpakke", goal="Hver dag", location="Hjem",
            responsible_service=case.owner_service, starts_on=start,
            evaluation_due=start + dt.timedelta(days=30),
        )  # fmt: skip
        assert remind(timezone.localdate()) == 1
        body = mail.outbox[0].body
        assert "evaluering av tiltak, forfalt" in body
        assert "oppfølgingsmøte etter at tiltakene startet, forfalt" in body

    def test_the_giver_is_reminded_to_follow_up(self, make_case, employee, colleague, remind):
        employee.email = "ingrid@example.invalid"
        employee.save()
        case = make_case()
        Case.objects.filter(pk=case.pk).update(decision_due=None)
        offer = services.handover_offer(case=case, user=employee, to_user=colleague)
        services.handover_answer(handover=offer, user=colleague, accept=True)
        remind_on = Watch.objects.get().remind_on
        assert remind(remind_on - dt.timedelta(days=1)) == 0
        assert remind(remind_on) == 1
        assert "samtidighetsansvar" in mail.outbox[0].body


def test_leader_start_page_lists_the_services_open_cases(client, make_case, leader, make_user):
    case = make_case()
    client.force_login(leader)
    page = client.get("/").text
    assert reverse("cases:detail", args=[case.pk]) in page
    assert "har ingen åpne saker" not in page
    client.force_login(make_user(Role.EMPLOYEE))
    assert reverse("cases:detail", args=[case.pk]) not in client.get("/").text


def test_nivå_3_form_through_the_pages(employee_client, make_case, employee, school, consent_for):
    case = make_case()
    url = reverse("cases:wide_collaboration", args=[case.pk])
    assert employee_client.get(url).status_code == 404  # only at nivå 3
    _raise_to_3(case, employee, school, consent_for)
    page = employee_client.get(url)
    assert page.status_code == 200
    assert "Barnekoordinator" in page.text and "Individuell plan" in page.text
    response = employee_client.post(
        url,
        {"familiehjelpa": "accepted", "coordinator": employee.pk, "child_coordinator": "",
         "individual_plan": "not_yet", "note": ""},
    )  # fmt: skip
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.wide_collaboration.coordinator == employee
    assert "Tilbudt og ønsket" in employee_client.get(f"/saker/{case.pk}/").text


def test_closing_declines_an_open_offer(make_case, employee, colleague):
    case = make_case()
    offer = services.handover_offer(case=case, user=employee, to_user=colleague)
    decide(case, employee, CLOSED, "Avklart.")
    offer.refresh_from_db()
    assert offer.status == Handover.Status.DECLINED and offer.answer == "Saken ble avsluttet."
    services.handover_answer(handover=offer, user=colleague, accept=True)
    case.refresh_from_db()
    assert case.responsible == employee
    with pytest.raises(ValidationError, match="avsluttet"):
        services.handover_offer(case=case, user=employee, to_user=colleague)


def test_follow_up_meeting_is_due_until_one_is_held_after_the_measures_start(make_case, employee):
    from cases.selectors import follow_up_due, my_cases

    case = make_case()
    start = timezone.localdate() - dt.timedelta(days=20)
    services.measure_add(
        case=case, user=employee, description="Tiltak", goal="Mål", location="Barnehagen",
        responsible_service=case.owner_service, starts_on=start,
        evaluation_due=start + dt.timedelta(days=60),
    )  # fmt: skip

    def due():
        return follow_up_due(my_cases(employee).get(pk=case.pk), max_days=28)

    def meeting(when):
        services.meeting_invite(
            case=case, user=employee, kind="evalueringsmote", starts_at=when, place="Her",
            agenda="Oppfølging", participants=[employee],
            participant_services=[case.owner_service],
        )  # fmt: skip

    expected = start + dt.timedelta(days=28)
    assert due() == expected
    meeting(timezone.make_aware(dt.datetime.combine(start, dt.time(9))))  # the agreeing meeting
    assert due() == expected
    meeting(timezone.now() + dt.timedelta(days=30))  # planned, not held
    assert due() == expected
    meeting(timezone.now() - dt.timedelta(days=2))  # held after the start
    assert due() is None


def test_a_meeting_cannot_bring_in_someone_outside_the_case(make_case, employee, make_user, school):
    case = make_case()
    outsider = make_user(Role.EMPLOYEE, service=school)
    with pytest.raises(ValidationError, match="jobber ikke i en tjeneste"):
        services.meeting_invite(
            case=case, user=employee, kind="samarbeidsmote", starts_at=timezone.now(),
            place="Her", agenda="Alt", participants=[outsider],
            participant_services=[case.owner_service],
        )  # fmt: skip
    assert not sees(outsider, case)


def test_saving_the_same_nivå_3_offers_twice_logs_once(make_case, employee, school, consent_for):
    case = make_case()
    _raise_to_3(case, employee, school, consent_for)
    for _ in range(2):
        services.wide_collaboration_save(
            case=case, user=employee, familiehjelpa="accepted", coordinator=None,
            child_coordinator=None, individual_plan="not_yet", note="",
        )  # fmt: skip
    assert case.relay_entries.filter(kind="wide").count() == 1


def test_coordination_page_offers_only_services_in_the_case_and_shows_the_history(
    employee_client, make_case, employee, school, consent_for
):
    from cases.models import Consent

    case = make_case()
    consent = consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    services.coordination_set(case=case, user=employee, service=school, reason="Skolestart.")
    services.coordination_set(
        case=case, user=employee, service=case.owner_service, reason="Tilbake til barnehagen."
    )
    page = employee_client.get(f"/saker/{case.pk}/").text
    assert "Tidligere koordinering" in page and "Eikebakken skole (" in page

    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=dt.date(2026, 11, 22))
    form = employee_client.get(reverse("cases:coordination", args=[case.pk])).text
    assert f'value="{case.owner_service.pk}"' in form
    assert f'value="{school.pk}"' not in form, "a service without consent is not in the case"


def test_an_ended_membership_is_no_candidate_for_the_case(make_case, make_user):
    from cases.selectors import handover_candidates

    case = make_case()
    leaving = make_user(Role.EMPLOYEE)
    staying = make_user(Role.EMPLOYEE)
    leaving.memberships.update(valid_to=dt.date(2000, 1, 1))
    assert set(handover_candidates(case)) >= {staying}
    assert leaving not in set(handover_candidates(case))


def test_done_following_removes_the_case_from_the_givers_list(
    client, make_case, employee, colleague
):
    case = make_case()
    offer = services.handover_offer(case=case, user=employee, to_user=colleague)
    services.handover_answer(handover=offer, user=colleague, accept=True)
    client.force_login(employee)
    assert 'id="watching"' in client.get("/").text
    response = client.post(reverse("cases:watch_end", args=[case.pk]))
    assert response["Location"] == reverse("start")
    assert not Watch.objects.exists()
    assert 'id="watching"' not in client.get("/").text
    assert "følger ikke lenger saken" in case.relay_entries.filter(kind="handover").first().text


def test_the_daily_reminder_command(make_case, employee):
    from io import StringIO

    from django.core.management import call_command

    employee.email = "ingrid@example.invalid"
    employee.save()
    case = make_case()
    Case.objects.filter(pk=case.pk).update(decision_due=timezone.localdate())
    out = StringIO()
    # As cron starts it: a connection that sees no municipality until the command opens them.
    with visible(""):
        call_command("send_reminders", stdout=out)
    assert "Påminnelser sendt til 1 brukere." in out.getvalue()
    assert len(mail.outbox) == 1
