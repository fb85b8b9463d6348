"""Per-case grants follow the domain events, in the same transaction, and match the facts."""

import datetime as dt
import uuid

import pytest
from django.db import transaction
from django.utils import timezone
from guardian.models import UserObjectPermission

from bts.models import Role, Service
from cases import services
from cases.access import visible_cases
from cases.grants import grants_rebuild
from cases.models import CaseUserGrant
from levels.rules import CLOSED
from tests.cases.conftest import decide
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def granted(case) -> set[int]:
    return set(CaseUserGrant.objects.filter(content_object=case).values_list("user_id", flat=True))


def sees(user, case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def assert_grants_match_the_facts(*cases):
    """Rebuilding every grant from the facts changes nothing: the events kept them exact."""
    before = {c.pk: granted(c) for c in cases}
    grants_rebuild(cases)
    assert {c.pk: granted(c) for c in cases} == before


@pytest.fixture
def colleague(make_user):
    return make_user(Role.EMPLOYEE, first_name="Kari")


def test_registering_grants_the_one_who_registered(make_case, employee):
    case = make_case()
    assert granted(case) == {employee.pk}
    # Direct foreign-key table only: nothing about cases in guardian's generic table.
    assert not UserObjectPermission.objects.exists()
    grant = CaseUserGrant.objects.get(content_object=case)
    assert (grant.permission.codename, grant.permission.content_type.app_label) == (
        "view_case",
        "cases",
    )


def test_an_offer_grants_and_a_refusal_takes_it_back(make_case, employee, colleague):
    case = make_case()
    offer = services.handover_offer(case=case, user=employee, to_user=colleague)
    assert granted(case) == {employee.pk, colleague.pk}

    services.handover_answer(handover=offer, user=colleague, accept=False, answer="Full liste.")

    assert granted(case) == {employee.pk}
    assert not sees(colleague, case)
    assert_grants_match_the_facts(case)


def test_accepting_keeps_the_giver_through_samtidighetsansvar(make_case, make_user, colleague):
    # The giver did not register the case here, so only following it keeps them in.
    registrar, holder = make_user(Role.EMPLOYEE), make_user(Role.EMPLOYEE)
    case = make_case(registrar)
    services.handover_answer(
        handover=services.handover_offer(case=case, user=registrar, to_user=holder),
        user=holder,
        accept=True,
    )
    services.handover_answer(
        handover=services.handover_offer(case=case, user=holder, to_user=colleague),
        user=colleague,
        accept=True,
    )
    assert holder.pk in granted(case), "the giver follows the case (samtidighetsansvar)"

    services.watch_end(case=case, user=holder)

    assert granted(case) == {registrar.pk, colleague.pk}
    assert not sees(holder, case)
    assert_grants_match_the_facts(case)


def test_meeting_participants_and_measure_owners_are_granted(make_case, employee, make_user):
    case = make_case()
    kindergarten = employee.memberships.get().service
    teacher, assistant = make_user(Role.EMPLOYEE), make_user(Role.EMPLOYEE)
    services.meeting_invite(
        case=case,
        user=employee,
        kind="undringssamtale",
        starts_at=timezone.now() + dt.timedelta(days=2),
        place="Avdeling Blå",
        agenda="Morgenene",
        participants=[employee, teacher],
        participant_services=[kindergarten],
        idempotency_key=uuid.uuid4(),
    )
    services.measure_add(
        case=case,
        user=employee,
        description="Fast voksen om morgenen.",
        goal="Roligere levering.",
        location="Avdeling Blå",
        responsible_service=kindergarten,
        responsible_person=assistant,
        starts_on=timezone.localdate(),
        evaluation_due=timezone.localdate() + dt.timedelta(days=21),
    )
    assert granted(case) == {employee.pk, teacher.pk, assistant.pk}
    assert sees(teacher, case) and sees(assistant, case)
    assert_grants_match_the_facts(case)


def test_replacing_the_nivå_3_coordinator_moves_the_grant(
    make_case, employee, make_user, school, consent_for
):
    case = make_case()
    decide(case, employee, 1)
    consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    decide(case, employee, 3)
    first, second = make_user(Role.EMPLOYEE), make_user(Role.EMPLOYEE, service=school)
    offers = {"familiehjelpa": "accepted", "child_coordinator": None, "individual_plan": "not_yet"}
    services.wide_collaboration_save(case=case, user=employee, coordinator=first, **offers)
    assert first.pk in granted(case)

    services.wide_collaboration_save(case=case, user=employee, coordinator=second, **offers)

    assert first.pk not in granted(case) and second.pk in granted(case)
    assert sees(second, case) and not sees(first, case)
    assert_grants_match_the_facts(case)


def test_closing_takes_back_the_grant_of_an_open_offer(make_case, employee, colleague):
    case = make_case()
    services.handover_offer(case=case, user=employee, to_user=colleague)
    decide(case, employee, CLOSED)
    assert granted(case) == {employee.pk}
    assert_grants_match_the_facts(case)


def test_staff_change_moves_the_grants(make_case, make_user, leader, colleague):
    registrar, departing = make_user(Role.EMPLOYEE), make_user(Role.EMPLOYEE)
    case = make_case(registrar)
    services.handover_answer(
        handover=services.handover_offer(case=case, user=registrar, to_user=departing),
        user=departing,
        accept=True,
    )
    services.cases_reassign_all(
        leader=leader, from_user=departing, to_user=colleague, reason="Sluttet."
    )
    assert granted(case) == {registrar.pk, colleague.pk}
    assert_grants_match_the_facts(case)


def test_a_grant_alone_shows_nothing_once_the_service_is_out(
    make_case, employee, make_user, school, consent_for
):
    """Grants are one half of access: the person's service must be in the case now."""
    case = make_case()
    teacher = make_user(Role.EMPLOYEE, service=school)
    consent = consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    services.measure_add(
        case=case,
        user=employee,
        description="Leksehjelp.",
        goal="Leverer lekser.",
        location="Skolen",
        responsible_service=school,
        responsible_person=teacher,
        starts_on=timezone.localdate(),
        evaluation_due=timezone.localdate() + dt.timedelta(days=14),
    )
    assert sees(teacher, case)

    services.consent_withdraw(
        case=case, consent=consent, user=employee, withdrawn_on=timezone.localdate(), how="Brev"
    )

    assert teacher.pk in granted(case), "what was done stays; the grant records the part"
    assert not sees(teacher, case)
    assert not teacher.has_perm("cases.view_case", case), "no backend reads grants alone"


def test_a_grant_is_written_in_the_events_transaction(make_case, employee, colleague):
    case = make_case()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.handover_offer(case=case, user=employee, to_user=colleague)
        raise RuntimeError("the request failed after the offer")
    assert granted(case) == {employee.pk}


class TestBarnevern:
    @pytest.fixture
    def barnevern(self, db):
        return ServiceFactory(name="Eiker barneverntjeneste", kind=Service.Kind.CHILD_PROTECTION)

    def report(self, case, user, received_by):
        return services.report_file(
            case=case,
            user=user,
            reported_at=timezone.now(),
            channel="phone",
            reason="Blåmerker.",
            received_by=received_by,
        )

    def test_its_leader_sees_a_case_reported_to_it(self, make_case, employee, make_user, barnevern):
        case = make_case()
        head = make_user(Role.LEADER, service=barnevern)
        caseworker = make_user(Role.EMPLOYEE, service=barnevern)
        other = make_user(Role.LEADER, service=ServiceFactory(kind=Service.Kind.CHILD_PROTECTION))
        assert not sees(head, case)

        self.report(case, employee, barnevern)

        assert sees(head, case)
        assert not sees(caseworker, case), "the leader, not every barnevern employee"
        assert not sees(other, case), "another barnevern service was not told"
        assert "Eiker barneverntjeneste" in case.relay_entries.get(kind="report").text

    def test_a_report_goes_to_a_barnevern_service_only(self, make_case, employee, school):
        with pytest.raises(Exception, match="barneverntjeneste"):
            self.report(make_case(), employee, school)
