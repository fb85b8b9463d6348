import pytest
from django.db import IntegrityError, transaction

from bts.models import Membership, Role
from bts.services import SYSTEM_ADMIN_GROUP, membership_grant
from tests.factories import ServiceFactory, UserFactory, home_municipality

pytestmark = pytest.mark.django_db


def test_municipal_role_cannot_belong_to_a_service():
    user, service = UserFactory(), ServiceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user,
            service=service,
            municipality=home_municipality(),
            role=Role.MUNICIPAL_LEADER,
        )


@pytest.mark.parametrize("role", [Role.MUNICIPAL_LEADER, Role.LOCAL_ADMIN])
def test_a_municipality_role_needs_its_municipality(role):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=role)
    Membership.objects.create(user=UserFactory(), role=role, municipality=home_municipality())


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.EMPLOYEE])
def test_only_the_municipality_roles_name_a_municipality(role):
    service = ServiceFactory() if role == Role.EMPLOYEE else None
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(), role=role, service=service, municipality=home_municipality()
        )


def test_service_role_needs_a_service():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), service=None, role=Role.EMPLOYEE)


def test_same_role_twice_in_one_service_is_refused():
    user, service = UserFactory(), ServiceFactory()
    Membership.objects.create(user=user, service=service, role=Role.EMPLOYEE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, service=service, role=Role.EMPLOYEE)


def test_municipal_role_twice_is_refused_too():
    user, municipality = UserFactory(), home_municipality()
    Membership.objects.create(user=user, role=Role.MUNICIPAL_LEADER, municipality=municipality)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.MUNICIPAL_LEADER, municipality=municipality)


def test_validity_period_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(), service=ServiceFactory(), role=Role.EMPLOYEE,
            valid_from="2026-06-01", valid_to="2026-05-01",
        )  # fmt: skip


def test_one_user_may_hold_roles_in_several_services():
    user = UserFactory()
    membership_grant(user=user, role=Role.EMPLOYEE, service=ServiceFactory())
    membership_grant(user=user, role=Role.LEADER, service=ServiceFactory())
    assert user.memberships.count() == 2


def test_granting_twice_creates_one_membership():
    user, service = UserFactory(), ServiceFactory()
    first = membership_grant(user=user, role=Role.EMPLOYEE, service=service)
    second = membership_grant(user=user, role=Role.EMPLOYEE, service=service)
    assert first == second
    assert Membership.objects.count() == 1


def test_grant_refuses_a_role_without_the_right_kind_of_service():
    with pytest.raises(ValueError):
        membership_grant(user=UserFactory(), role=Role.EMPLOYEE)
    with pytest.raises(ValueError):
        membership_grant(user=UserFactory(), role=Role.SYSTEM_ADMIN, service=ServiceFactory())


def test_system_admin_gets_the_admin_site_for_users_services_and_guide_only():
    user = UserFactory()
    membership_grant(user=user, role=Role.SYSTEM_ADMIN)
    user.refresh_from_db()

    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name=SYSTEM_ADMIN_GROUP).exists()
    assert user.has_perm("bts.change_user")
    assert user.has_perm("bts.add_service")
    assert user.has_perm("levels.change_step")
    assert not user.has_perm("sessions.view_session")
    assert not user.has_perm("auth.change_permission")


def test_choice_labels_are_djangos_in_the_active_language():
    from django.db.models import Model
    from django.utils import translation

    from cases.models import Evaluation, RelayEntry

    for model, field in ((RelayEntry, "kind"), (Evaluation, "outcome")):
        for value, _label in model._meta.get_field(field).choices:
            row = model(**{field: value})
            for language in ("nb", "nn"):
                with translation.override(language):
                    django_own = Model._get_FIELD_display(row, model._meta.get_field(field))
                    assert getattr(row, f"get_{field}_display")() == django_own
    entry = RelayEntry(kind="note")
    with translation.override("nb"):
        assert entry.get_kind_display() == "Notat"
    assert RelayEntry(kind="ukjent-type").get_kind_display() == "ukjent-type"
