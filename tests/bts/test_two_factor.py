"""Two-factor login (django-otp TOTP) for the accounts that can read cases or manage users.

These tests log in through the real forms (`client.post` to the login page), never with
`force_login`, which tests/conftest.py gives both factors for the tests about other pages.
"""

import base64
import re
import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bts.models import AuditEvent, Role
from bts.policies import requires_two_factor
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SETUP, CODE = "/logg-inn/tofaktor/", "/logg-inn/kode/"


def log_in(client, user, next_url: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def secret_on(page) -> bytes:
    """The key the setup page shows for typing in by hand, as the authenticator reads it."""
    shown = re.search(r'<code class="bts-secret">([A-Z2-7 ]+)</code>', page.text).group(1)
    return base64.b32decode(shown.replace(" ", ""))


def code(key: bytes, *, steps_ahead: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(client, user) -> bytes:
    log_in(client, user)
    key = secret_on(client.get(SETUP))
    assert client.post(SETUP, {"token": code(key)}).status_code == 302
    return key


def test_an_employee_must_set_up_an_authenticator_before_anything(client, employee):
    response = log_in(client, employee)
    assert response.status_code == 302

    for url in ("/", "/veileder/", "/saker/ny/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(SETUP + "?next="), url
    htmx = client.get("/saker/1/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == SETUP


def test_setting_up_shows_the_same_key_until_confirmed(client, employee):
    log_in(client, employee)
    first = client.get(SETUP)
    assert first.status_code == 200
    assert 'src="data:image/svg+xml' in first.text, "the QR code is an image, no script"
    assert secret_on(client.get(SETUP)) == secret_on(first)
    assert TOTPDevice.objects.filter(user=employee, confirmed=False).count() == 1


def test_a_wrong_first_code_confirms_nothing(client, employee):
    log_in(client, employee)
    key = secret_on(client.get(SETUP))

    response = client.post(SETUP, {"token": code(key, steps_ahead=10)})

    assert response.status_code == 200
    assert "Koden stemmer ikke" in response.text
    assert not TOTPDevice.objects.filter(user=employee, confirmed=True).exists()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(actor=employee, kind="two_factor_failed").count() == 1


def test_the_right_first_code_confirms_the_app_and_opens_the_way(client, employee):
    log_in(client, employee, next_url="/veileder/")
    before = client.session.session_key
    key = secret_on(client.get(SETUP))

    response = client.post(SETUP, {"token": code(key), "next": "/veileder/"})

    assert response.status_code == 302 and response["Location"] == "/veileder/"
    assert client.session.session_key != before, "a new session key with the full rights"
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=employee).confirmed
    assert AuditEvent.objects.filter(actor=employee, kind="two_factor_enrolled").exists()


def test_with_an_app_the_next_login_asks_for_its_code(client, employee):
    key = enrol(client, employee)
    client.post(reverse("logout"))

    log_in(client, employee)
    assert client.get("/")["Location"].startswith(CODE)
    assert client.get(SETUP)["Location"] == CODE, "no second app without the first"

    wrong = client.post(CODE, {"token": code(key, steps_ahead=10)})
    assert wrong.status_code == 200 and "Koden stemmer ikke" in wrong.text
    time.sleep(1.1)  # the throttle: one second after the first wrong code
    assert client.post(CODE, {"token": code(key, steps_ahead=1)}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_code_works_once(client, employee):
    key = enrol(client, employee)
    used = code(key)
    client.post(reverse("logout"))

    log_in(client, employee)
    response = client.post(CODE, {"token": used})

    assert response.status_code == 200, "the code that confirmed the app is spent"
    assert client.get("/").status_code == 302


@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)
def test_wrong_codes_are_throttled(client, employee):
    key = enrol(client, employee)
    client.post(reverse("logout"))
    log_in(client, employee)
    client.post(CODE, {"token": code(key, steps_ahead=10)})

    response = client.post(CODE, {"token": code(key, steps_ahead=1)})

    assert response.status_code == 200
    assert "For mange feil koder" in response.text
    assert client.get("/").status_code == 302


def test_the_code_must_be_six_digits(client, employee):
    log_in(client, employee)
    client.get(SETUP)
    response = client.post(SETUP, {"token": "12a456"})
    assert "Koden er seks sifre." in response.text


def test_next_never_leads_off_site(client, employee):
    log_in(client, employee)
    key = secret_on(client.get(SETUP))
    response = client.post(SETUP, {"token": code(key), "next": "https://evil.example/"})
    assert response["Location"] == reverse("start")


def test_logging_out_needs_no_second_factor(client, employee):
    log_in(client, employee)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_system_administrator_needs_it_for_the_admin_too(client, make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    log_in(client, admin)
    assert client.get("/admin/")["Location"].startswith(SETUP)
    key = secret_on(client.get(SETUP))
    client.post(SETUP, {"token": code(key)})
    assert client.get("/admin/").status_code == 200


def test_the_administrator_sees_no_secret_and_can_reset(client, make_user, employee):
    enrol(client, employee)
    device = TOTPDevice.objects.get(user=employee)
    admin = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin)

    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.text
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    client.post(reverse("logout"))
    log_in(client, employee)
    assert client.get("/")["Location"].startswith(SETUP), "a new app at the next login"


def test_a_municipal_leader_sees_only_aggregates_and_needs_no_app(client, make_user):
    municipal = make_user(Role.MUNICIPAL_LEADER)
    log_in(client, municipal)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "role",
    [
        Role.EMPLOYEE,
        Role.LEADER,
        Role.FAMILY_CONTACT,
        Role.FAMILIEHJELPA_LEADER,
        Role.CHILD_COORDINATOR,
        Role.SYSTEM_ADMIN,
    ],
)
def test_every_role_that_reads_cases_or_manages_users_needs_it(make_user, role):
    assert requires_two_factor(make_user(role))


def test_demo_accounts_skip_it_only_in_demo_mode(employee, settings):
    employee.is_demo = True
    settings.DEMO_MODE = False
    assert requires_two_factor(employee)
    settings.DEMO_MODE = True
    assert not requires_two_factor(employee)
