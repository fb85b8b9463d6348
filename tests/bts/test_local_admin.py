"""The local administrator manages their own municipality's users, roles, services and guide
in the admin, and nothing of another municipality's."""

import pytest
from django.urls import reverse

from bts.models import AuditEvent, Membership, Role, Service
from tests.factories import MunicipalityFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(guide, make_user, client):
    other = MunicipalityFactory(number="4699", name="Fjordvik kommune")
    own = ServiceFactory(name="Eikebakken skole", kind="school")
    theirs = ServiceFactory(name="Fjordvik skule", kind="school", municipality=other)
    colleague = make_user(Role.EMPLOYEE, service=own)
    stranger = make_user(Role.EMPLOYEE, service=theirs)
    admin_user = make_user(Role.LOCAL_ADMIN)
    client.force_login(admin_user)
    return {"own": own, "theirs": theirs, "colleague": colleague, "stranger": stranger,
            "other": other, "admin": admin_user}  # fmt: skip


def test_lists_show_their_own_municipalitys_only(client, world):
    services = client.get(reverse("admin:bts_service_changelist")).text
    assert "Eikebakken skole" in services and "Fjordvik skule" not in services
    users = client.get(reverse("admin:bts_user_changelist")).text
    assert world["colleague"].username in users
    assert world["stranger"].username not in users


@pytest.mark.parametrize(
    ("name", "key"),
    [("admin:bts_service_change", "theirs"), ("admin:bts_user_change", "stranger")],
)
def test_another_municipalitys_object_by_id_is_a_404_and_audited(client, world, name, key):
    response = client.get(reverse(name, args=[world[key].pk]))
    assert response.status_code == 404
    refused = AuditEvent.objects.filter(kind="access_refused", actor=world["admin"])
    assert refused.filter(detail__startswith="admin:").count() == 1
    # Their own is there.
    own = world["own"] if key == "theirs" else world["colleague"]
    assert client.get(reverse(name, args=[own.pk])).status_code == 200


def test_no_power_beyond_the_municipality(client, world):
    # No superuser or staff switches on a user, no system administrator role to give.
    page = client.get(reverse("admin:bts_user_change", args=[world["colleague"].pk])).text
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page
    user = UserFactory()
    response = client.post(
        reverse("admin:bts_membership_add"), {"user": user.pk, "role": Role.SYSTEM_ADMIN}
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=user).exists()
    # A role in another municipality's service cannot be given either.
    response = client.post(
        reverse("admin:bts_membership_add"),
        {"user": user.pk, "role": Role.EMPLOYEE, "service": world["theirs"].pk},
    )
    assert response.status_code == 200 and not Membership.objects.filter(user=user).exists()
    # A service is added to their own municipality only.
    response = client.post(
        reverse("admin:bts_service_add"),
        {"name": "Ny skole", "kind": "school", "provider": "public",
         "municipality": world["other"].pk, "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 200 and not Service.objects.filter(name="Ny skole").exists()
    # Municipalities are the installation administrator's.
    assert client.get(reverse("admin:bts_municipality_changelist")).status_code == 403


def test_their_own_municipalitys_guide_only(client, world, guide):
    from levels.loader import load_guide
    from tests.conftest import GUIDES

    fjordvik = load_guide(GUIDES / "fjordvik.toml")
    assert client.get(reverse("admin:levels_guide_change", args=[guide.pk])).status_code == 200
    assert client.get(reverse("admin:levels_guide_change", args=[fjordvik.pk])).status_code == 404
