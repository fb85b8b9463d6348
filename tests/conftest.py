from pathlib import Path

import pytest

from bts.models import Role
from bts.services import membership_grant
from levels.loader import load_guide
from tests.factories import ServiceFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
GUIDES = ROOT / "fixtures" / "veiledere"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def guide(db):
    """Øvre Eiker's guide, loaded from the real fixture file."""
    return load_guide(GUIDES / "ovre-eiker.toml")


@pytest.fixture
def kindergarten(db):
    return ServiceFactory(name="Solsikken barnehage")


@pytest.fixture
def make_user(db, kindergarten):
    """A user with one role; service roles land in the kindergarten unless told otherwise."""

    def make(role: Role = Role.EMPLOYEE, service=None, **fields):
        user = UserFactory(**fields)
        if role in (Role.MUNICIPAL_LEADER, Role.SYSTEM_ADMIN):
            membership_grant(user=user, role=role)
        else:
            membership_grant(user=user, role=role, service=service or kindergarten)
        return user

    return make


@pytest.fixture
def employee(make_user):
    return make_user(Role.EMPLOYEE, first_name="Ingrid")


@pytest.fixture
def employee_client(client, employee):
    client.force_login(employee)
    return client
