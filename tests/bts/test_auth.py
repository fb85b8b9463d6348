import time
from datetime import timedelta

import pytest
from django.urls import reverse

from bts.middleware import SESSION_STARTED_KEY, SESSION_TOUCHED_KEY
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
DEMO_USERNAMES = ["ansatt", "leder", "rektor", "familiehjelpa", "familiekontakt",
                  "kommunalsjef", "lokaladmin", "admin",
                  "barnevern", "barnevernleder", "ppt", "pptleder",
                  "fjordvik-tilsett", "fjordvik-leiar", "fjordvik-kommunalsjef",
                  "fjordvik-admin"]  # fmt: skip


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_every_demo_login_works_in_demo_mode(client, demo_data, username):
    response = client.post(reverse("login"), {"username": username, "password": "demo"})
    assert response.status_code == 302
    assert response["Location"] == reverse("start")


def test_demo_password_is_refused_when_demo_mode_is_off(client, demo_data, settings):
    settings.DEMO_MODE = False
    response = client.post(reverse("login"), {"username": "ansatt", "password": "demo"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Vennligst oppgi korrekt brukernavn og passord" in response.text


def test_ordinary_users_log_in_whatever_the_demo_mode(client, employee, settings):
    settings.DEMO_MODE = False
    response = client.post(reverse("login"), {"username": employee.username, "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_gives_a_norwegian_message_next_to_the_form(client, employee):
    response = client.post(reverse("login"), {"username": employee.username, "password": "feil"})

    assert response.status_code == 200
    assert 'id="login-error"' in response.text
    assert "Vennligst oppgi korrekt brukernavn og passord" in response.text
    assert "_auth_user_id" not in client.session


def test_empty_fields_get_messages_next_to_each_field(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.text.count("Feltet er påkrevet") == 2
    assert 'aria-invalid="true"' in response.text


def test_logout_is_a_post_and_ends_the_session(employee_client):
    assert employee_client.get(reverse("logout")).status_code == 405
    response = employee_client.post(reverse("logout"))
    assert response.status_code == 302
    assert employee_client.get(reverse("start")).status_code == 302


def test_session_ends_after_ten_hours_however_active(employee_client, settings):
    assert employee_client.get(reverse("start")).status_code == 200
    session = employee_client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.BTS_SESSION_ABSOLUTE_SECONDS - 1
    session.save()

    response = employee_client.get(reverse("start"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in employee_client.session


def test_idle_session_lasts_thirty_minutes_and_is_renewed(employee_client, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert employee_client.get(reverse("start")).status_code == 200
    key = employee_client.session.session_key

    def expires():
        return Session.objects.get(session_key=key).expire_date

    first = expires()
    assert abs((first - timezone.now()).total_seconds() - 30 * 60) < 60
    employee_client.get(reverse("start"))
    assert expires() == first, "not written again within the minute"

    session = employee_client.session
    session[SESSION_TOUCHED_KEY] = time.time() - settings.BTS_SESSION_RENEW_SECONDS
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=first - timedelta(minutes=5))
    employee_client.get(reverse("start"))
    assert expires() > first, "a request after a minute renews the 30 minutes"

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    response = employee_client.get(reverse("start"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
