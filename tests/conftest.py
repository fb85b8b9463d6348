from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from bts.models import Role
from bts.services import membership_grant
from levels.loader import load_guide
from tests.factories import ServiceFactory, UserFactory, home_municipality

ROOT = Path(__file__).resolve().parent.parent

_force_login = Client.force_login


def _force_login_with_second_factor(self, user, backend=None):
    """`force_login` for tests that are about the pages behind the login: the session has
    passed both factors, as after a real login. Logging in itself, with its two steps, is
    tested through the forms (tests/bts/test_two_factor.py, the browser journeys)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _force_login(self, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Testapp", confirmed=True)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


Client.force_login = _force_login_with_second_factor
GUIDES = ROOT / "fixtures" / "veiledere"


@pytest.fixture(autouse=True)
def _fresh_guide_cache():
    """Each test starts without the guide a previous test had (its rows are rolled back)."""
    from levels.selectors import guide_cache_clear

    guide_cache_clear()
    yield
    guide_cache_clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_data(db, settings):
    """The demo municipality of `seed_demo` (devdata), in demo mode."""
    settings.DEMO_MODE = True
    call_command("seed_demo")


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
        if role in (Role.MUNICIPAL_LEADER, Role.LOCAL_ADMIN):
            membership_grant(user=user, role=role, municipality=home_municipality())
        elif role == Role.SYSTEM_ADMIN:
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


@pytest.fixture
def nynorsk(guide, monkeypatch):
    """Øvre Eiker's guide, in a municipality whose language form is nynorsk.

    The language is set on the guide as the process keeps it (levels.selectors), every time it
    is loaded, so requests and the code outside them (e-mail, daily commands) see it, even
    after something clears the process's copy."""
    from levels import selectors

    load = selectors._load_active_guide

    def load_in_nynorsk(municipality_id):
        active = load(municipality_id)
        if active is not None:
            active.language = "nn"
        return active

    monkeypatch.setattr(selectors, "_load_active_guide", load_in_nynorsk)
    selectors.guide_cache_clear()
    return guide
