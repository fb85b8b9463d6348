"""Login lockout (django-axes), the audit of failed logins, and `check --deploy`."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from bts.events import AccessAudit
from bts.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOCKOUT_TEXT = (
    "For mange mislykkede forsøk. Vent 15 minutter og prøv igjen, eller kontakt "
    "systemadministrator."
)
WRONG = "feil-passord-helt-feil"


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def fail_times(client, username, times=5):
    return [post_login(client, username, WRONG) for _ in range(times)]


def normalised(response) -> str:
    """The page without what differs on every request (the CSP nonce)."""
    return re.sub(r'nonce="[^"]+"', 'nonce=""', response.text)


def test_lockout_settings_are_as_documented():
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "bts.auth.LockoutBackend"
    assert "bts.auth.ModelBackend" in django_settings.AUTHENTICATION_BACKENDS
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert django_settings.AXES_FAILURE_LIMIT == 5
    assert django_settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert django_settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert django_settings.AXES_RESET_ON_SUCCESS is True
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_four_failures_still_allow_the_right_password(client, employee):
    for response in fail_times(client, employee.username, times=4):
        assert response.status_code == 200
        assert "Vennligst oppgi korrekt brukernavn og passord" in response.text

    response = post_login(client, employee.username, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(employee.pk)


def test_five_failures_lock_the_account_even_for_the_right_password(client, employee):
    responses = fail_times(client, employee.username)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert LOCKOUT_TEXT in responses[-1].text

    response = post_login(client, employee.username, PASSWORD)

    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_holds_from_another_address_and_browser(client, employee):
    fail_times(client, employee.username)

    other = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="en annen nettleser")
    response = post_login(other, employee.username, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in other.session


def test_lockout_of_one_username_leaves_others_alone(client, employee, make_user):
    fail_times(client, employee.username)
    colleague = make_user()

    response = post_login(client, colleague.username, PASSWORD)

    assert response.status_code == 302


def test_unknown_username_gets_the_same_lockout_page_as_a_real_one(employee):
    def five_wrong_then_the_right_password(username):
        client = Client()
        return [*fail_times(client, username), post_login(client, username, PASSWORD)]

    real_responses = five_wrong_then_the_right_password(employee.username)
    unknown_responses = five_wrong_then_the_right_password("finnes-ikke")

    # Before the lockout both get the form back with the same error; from the fifth failure on,
    # byte for byte the same page (the form echoes the typed username, the lockout page does not).
    assert [r.status_code for r in real_responses] == [200] * 4 + [429] * 2
    assert [r.status_code for r in unknown_responses] == [200] * 4 + [429] * 2
    for ours, theirs in zip(real_responses[:4], unknown_responses[:4], strict=True):
        assert 'id="login-error"' in ours.text and 'id="login-error"' in theirs.text
    for ours, theirs in zip(real_responses[4:], unknown_responses[4:], strict=True):
        assert normalised(ours) == normalised(theirs)
    assert LOCKOUT_TEXT in unknown_responses[-1].text
    assert employee.username not in real_responses[-1].text
    assert "finnes-ikke" not in unknown_responses[-1].text


def test_a_success_before_the_limit_resets_the_count(client, employee):
    fail_times(client, employee.username, times=4)
    assert post_login(client, employee.username, PASSWORD).status_code == 302
    client.logout()

    responses = fail_times(client, employee.username, times=4)
    assert [r.status_code for r in responses] == [200] * 4
    response = post_login(client, employee.username, PASSWORD)

    assert response.status_code == 302


def test_lockout_page_is_the_normal_layout_under_csp_with_no_inline_script(client, employee):
    response = fail_times(client, employee.username)[-1]

    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)[1]
    for tag in re.findall(r"<script\b[^>]*>", response.text):
        assert f'nonce="{nonce}"' in tag and 'src="/static/' in tag
    assert re.search(r"<script\b[^>]*>\s*[^<\s]", response.text) is None
    assert re.search(r"\sstyle=", response.text) is None
    assert re.search(r"<style\b", response.text) is None
    assert 'class="bts-header"' in response.text and 'id="main"' in response.text
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


def test_failed_logins_are_audited_without_password_or_unknown_username(client, employee):
    fail_times(client, employee.username, times=6)
    post_login(client, "finnes-ikke", "hemmelig-passord-1")

    events = list(AuditEvent.objects.filter(kind=AccessAudit.LOGIN_FAILED).order_by("pk"))

    assert len(events) == 7
    assert [e.actor for e in events] == [employee] * 6 + [None]
    assert [e.detail for e in events] == [""] * 4 + ["lockout"] * 2 + [""]
    for event in events:
        assert event.case_id is None
        assert event.ip == "127.0.0.1"
        assert re.fullmatch(r"[0-9a-f]{32}", event.request_id)
        stored = " ".join(str(value) for value in vars(event).values())
        for secret in (WRONG, "hemmelig-passord-1", "finnes-ikke"):
            assert secret not in stored


def test_a_successful_login_writes_no_failure_event(client, employee):
    post_login(client, employee.username, PASSWORD)
    assert not AuditEvent.objects.filter(kind=AccessAudit.LOGIN_FAILED).exists()


def test_request_less_authenticate_still_honours_the_lockout(client, employee):
    # Django's test client `login()` and scripts call authenticate() without a request.
    assert authenticate(username=employee.username, password=PASSWORD) == employee
    fail_times(client, employee.username)

    assert authenticate(username=employee.username, password=PASSWORD) is None
    assert not client.login(username=employee.username, password=PASSWORD)


def test_the_admin_has_no_login_of_its_own(client, employee):
    """The admin's login page sends to the product's login, so its lockout, its two factors and
    its audit of failures hold for the admin too; a password posted to the admin is refused."""
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/logg-inn/?next=%2Fadmin%2F"
    assert (
        client.get(reverse("admin:login"), {"next": "https://evil.example/"})["Location"]
        == "/logg-inn/?next=%2Fadmin%2F"
    )

    response = client.post(
        reverse("admin:login"), {"username": employee.username, "password": PASSWORD}
    )

    assert response.status_code == 405
    assert "_auth_user_id" not in client.session


def run_deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"BTS_TESTING", "BTS_LOCAL_DB", "DJANGO_DEBUG", "BTS_DEMO_MODE"}
        and not key.startswith("DJANGO_")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "bts.example.invalid",
        # Nothing listens there: the check must not need a database.
        "DATABASE_URL": "postgres://u:p@127.0.0.1:1/x",
    } | overrides
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_deploy_check()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_would_catch_a_missing_ssl_redirect():
    # The check above can fail: turning off a production safeguard makes it report a warning.
    result = run_deploy_check(DJANGO_SECURE_SSL_REDIRECT="0")

    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_only_the_documented_checks_are_silenced():
    # `check --deploy` must be clean on its merits, not by silencing Django's security checks.
    assert django_settings.SILENCED_SYSTEM_CHECKS == ["axes.W006", "guardian.W001"]
    # guardian.W001: its object backend is left out on purpose (cases.grants, settings).
    assert "guardian.backends.ObjectPermissionBackend" not in (
        django_settings.AUTHENTICATION_BACKENDS
    )
    assert django_settings.SECURE_HSTS_SECONDS >= 31536000
    assert django_settings.SECURE_HSTS_INCLUDE_SUBDOMAINS
    assert django_settings.SESSION_COOKIE_SECURE and django_settings.CSRF_COOKIE_SECURE


def test_successful_logins_are_not_kept_by_axes(client, db):
    from axes.models import AccessLog

    from tests.factories import PASSWORD, UserFactory

    user = UserFactory()
    assert (
        client.post("/logg-inn/", {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )
    assert not AccessLog.objects.exists()
