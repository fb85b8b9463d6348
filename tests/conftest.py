from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from bts.localdb import APP_ROLE
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


def _act_as(connection, *, owner: bool) -> None:
    """Switch this connection between the owner of the tables and the app's role."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute("RESET ROLE" if owner else f"SET ROLE {APP_ROLE}")


def _as_app_role(sender, connection, **kwargs):
    """Each connection of the test run acts as the app's own role, which owns nothing and
    which row-level security holds. Outside a request the test itself is installation-wide
    work (its factories write every municipality's rows); inside one, the middleware narrows
    it to the person's municipalities, as in production."""
    _act_as(connection, owner=False)
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT set_config('bts.municipalities', '*', false)")


@contextmanager
def as_owner():
    """For a block of bulk loading (the synthetic seeder), which is the owner's work, as
    `manage.py seed_synthetic` is: this connection, and any opened meanwhile (its workers'),
    act as the owner."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    connection_created.disconnect(dispatch_uid="tests.as_app_role")
    _act_as(connection, owner=True)
    try:
        yield
    finally:
        connection_created.connect(_as_app_role, dispatch_uid="tests.as_app_role")
        connection.ensure_connection()
        _as_app_role(None, connection)


def _flush_as_owner(original):
    """Emptying the tables between transactional tests is the harness's job, not the app's:
    the owner does it."""

    def flush(self, sql_list):
        _act_as(self.connection, owner=True)
        try:
            original(self, sql_list)
        finally:
            _act_as(self.connection, owner=False)

    return flush


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database is made and migrated by the owner of its tables (as `migrate` is in
    production); every test then runs as the app's role."""
    from django.db import connections
    from django.db.backends.postgresql.operations import DatabaseOperations
    from django.db.backends.signals import connection_created

    original_flush = DatabaseOperations.execute_sql_flush
    connection_created.connect(_as_app_role, dispatch_uid="tests.as_app_role")
    DatabaseOperations.execute_sql_flush = _flush_as_owner(original_flush)
    with django_db_blocker.unblock():
        connections.close_all()
    yield
    # The owner drops the test database at the end.
    connection_created.disconnect(dispatch_uid="tests.as_app_role")
    DatabaseOperations.execute_sql_flush = original_flush
    with django_db_blocker.unblock():
        connections.close_all()


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
