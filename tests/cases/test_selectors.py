import datetime as dt

import pytest

from bts.models import Role
from cases import services
from cases.access import visible_cases
from cases.models import Consent
from cases.selectors import find_children, possible_duplicates
from tests.conftest import as_owner
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sees(user, case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def test_the_employee_who_holds_the_case_sees_it(make_case, employee):
    assert sees(employee, make_case())


def test_a_colleague_in_the_same_service_does_not(make_case, make_user):
    case = make_case()
    assert not sees(make_user(Role.EMPLOYEE), case)


def test_the_leader_of_the_owner_service_sees_it(make_case, leader):
    assert sees(leader, make_case())


def test_a_leader_of_another_service_does_not(make_case, make_user, school):
    assert not sees(make_user(Role.LEADER, service=school), make_case())


def test_leader_of_an_involved_service_sees_it_while_consent_is_active(
    make_case, make_user, school, consent_for, employee
):
    case = make_case()
    principal = make_user(Role.LEADER, service=school)
    consent = consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    assert sees(principal, case)

    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=dt.date(2026, 11, 22))
    assert not sees(principal, case)


@pytest.mark.parametrize("role", [Role.MUNICIPAL_LEADER, Role.SYSTEM_ADMIN])
def test_municipal_roles_see_no_case(make_case, make_user, role):
    assert not sees(make_user(role), make_case())


def test_a_deactivated_user_sees_nothing(make_case, employee):
    case = make_case()
    employee.is_active = False
    employee.save()
    assert not sees(employee, case)


def test_a_user_with_no_role_sees_nothing(make_case):
    assert not sees(UserFactory(), make_case())


def test_finding_a_child_searches_only_what_the_user_may_see(make_case, make_user, school):
    make_case(first_name="Emma")
    teacher = make_user(Role.EMPLOYEE, service=school)
    make_case(teacher, service=school, first_name="Emma", last_name="Olsen")

    mine = [str(c) for c in find_children(teacher, query="emma")]
    assert mine == ["Emma Olsen"]


def test_possible_duplicates_by_number_or_by_name_and_birth_date(make_case, employee):
    case = make_case(national_id="26111593816")
    same_number = possible_duplicates(
        employee, national_id="26111593816", first_name="X", last_name="Y", birth_date=None
    )
    same_name = possible_duplicates(
        employee, national_id="", first_name="emma", last_name="HANSEN",
        birth_date=dt.date(2020, 3, 14),
    )  # fmt: skip
    other_birthday = possible_duplicates(
        employee, national_id="", first_name="Emma", last_name="Hansen",
        birth_date=dt.date(2020, 3, 15),
    )  # fmt: skip
    assert list(same_number) == [case.child]
    assert list(same_name) == [case.child]
    assert not other_birthday.exists()


def test_duplicates_are_not_revealed_across_services(make_case, make_user, school):
    make_case(national_id="26111593816")
    teacher = make_user(Role.EMPLOYEE, service=school)
    assert not possible_duplicates(
        teacher, national_id="26111593816", first_name="Emma", last_name="Hansen",
        birth_date=dt.date(2020, 3, 14),
    ).exists()  # fmt: skip


def test_a_meeting_participant_from_another_service_loses_access_with_the_consent(
    make_case, make_user, school, consent_for, employee
):
    from django.utils import timezone

    case = make_case()
    teacher = make_user(Role.EMPLOYEE, service=school)
    consent = consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    services.meeting_invite(
        case=case, user=employee, kind="samarbeidsmote", starts_at=timezone.now(),
        place="Skolen", agenda="Overgang", participants=[teacher],
        participant_services=[school],
    )  # fmt: skip
    assert sees(teacher, case)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=dt.date(2026, 11, 22))
    assert not sees(teacher, case)


def test_leaving_the_service_ends_the_access_of_the_one_who_registered_it(make_case, employee):
    case = make_case()
    employee.memberships.update(valid_to=dt.date(2000, 1, 1))
    employee = type(employee).objects.get(pk=employee.pk)  # a new request, a fresh user
    assert not sees(employee, case)


def test_a_renewed_consent_keeps_the_involved_service_in(
    make_case, make_user, school, consent_for, employee
):
    from cases.selectors import services_with_consent

    case = make_case()
    principal = make_user(Role.LEADER, service=school)
    first = consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    Consent.objects.filter(pk=first.pk).update(withdrawn_on=dt.date(2026, 11, 22))
    assert not sees(principal, case) and services_with_consent(case) == 0
    with pytest.raises(services.ConsentMissing):
        services.service_involve(case=case, user=employee, service=school)

    consent_for(case, school, given_on=dt.date(2026, 11, 23))
    assert sees(principal, case) and services_with_consent(case) == 1


def test_withdrawing_consent_cuts_the_services_access_on_the_next_request(
    client, make_case, make_user, school, consent_for, employee
):
    from django.urls import reverse

    case = make_case()
    principal = make_user(Role.LEADER, service=school)
    consent = consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    client.force_login(principal)
    url = reverse("cases:detail", args=[case.pk])
    assert client.get(url).status_code == 200

    client.force_login(employee)
    response = client.post(
        reverse("cases:consent_withdraw", args=[case.pk, consent.pk]),
        {"withdrawn_on": "2026-11-23", "how": "Brev fra mor"},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawn_how, consent.withdrawn_by) == (
        dt.date(2026, 11, 23), "Brev fra mor", employee,
    )  # fmt: skip
    entry = case.relay_entries.filter(kind="consent").first()
    assert "trakk tilbake samtykket 23.11.2026 (Brev fra mor)" in entry.text

    client.force_login(principal)
    assert client.get(url).status_code == 404
    assert case.involvements.filter(service=school).exists(), "what happened stays"


def test_a_refusal_is_recorded_and_covers_nothing(make_case, employee, school, consent_for):
    case = make_case()
    consent_for(case, school, refused=True)
    with pytest.raises(services.ConsentMissing):
        services.service_involve(case=case, user=employee, service=school)
    entry = case.relay_entries.filter(kind="consent").first()
    assert "har ikke gitt samtykke til samarbeid med: Eikebakken skole" in entry.text


def test_withdrawal_needs_how_and_a_sensible_date(make_case, employee, school, consent_for):
    from django.core.exceptions import ValidationError

    case = make_case()
    consent = consent_for(case, school)
    with pytest.raises(ValidationError):
        services.consent_withdraw(
            case=case, consent=consent, user=employee, withdrawn_on=dt.date(2026, 11, 23), how=""
        )
    with pytest.raises(ValidationError):
        services.consent_withdraw(
            case=case, consent=consent, user=employee, withdrawn_on=dt.date(2020, 1, 1), how="x"
        )


def test_the_list_rules_and_the_one_case_rules_agree_on_realistic_data(guide):
    """`visible_case_ids` (for lists) and `visible_cases` (for one case) are two forms of one
    rule: on synthetic data with every kind of taking part, consent, report and handover, they
    give every user the same cases; the case list pages through exactly those; and the one-case
    form with its compiled SQL (`visible_case`) answers the same for every case."""
    from bts.models import Membership, User
    from cases.access import visible_case, visible_case_ids
    from cases.models import Case, Consent
    from cases.selectors import case_list
    from devdata.synthetic import seed_synthetic

    with as_owner():
        seed_synthetic(cases=300, seed=3)
    # Some consents withdrawn and expired, so covered and uncovered involvements both exist.
    consents = list(Consent.objects.order_by("pk").values_list("pk", flat=True))
    Consent.objects.filter(pk__in=consents[::3]).update(withdrawn_on=dt.date(2026, 1, 1))
    Consent.objects.filter(pk__in=consents[1::5]).update(expires_on=dt.date(2026, 1, 1))
    # Every leader (barnevern's, familiehjelpa's, each service's) and a sample of the others.
    leaders = Membership.objects.filter(role__in=["leader", "familiehjelpa_leader"])
    users = [
        *User.objects.filter(pk__in=leaders.values("user_id")),
        *User.objects.filter(pk__in=Membership.objects.values("user_id")).order_by("pk")[::9],
    ]
    checked = 0
    for user in users:
        one_by_one = set(visible_cases(user).values_list("pk", flat=True))
        assert set(visible_case_ids(user)) == one_by_one, user.username
        listed, after = [], ""
        while True:
            page = case_list(user, status="", after=after)
            listed += [c.pk for c in page.cases]
            if not page.next_cursor:
                break
            after = page.next_cursor
        assert len(listed) == len(set(listed)) and set(listed) == one_by_one, user.username
        others = Case.objects.order_by("?").values_list("pk", flat=True)[:15]
        sample = [*sorted(one_by_one)[:15], *others]
        for pk in sample:
            assert visible_case(user, pk).exists() == (pk in one_by_one), (user.username, pk)
        checked += bool(one_by_one)
    assert checked >= 10
    assert Case.objects.count() == 300
