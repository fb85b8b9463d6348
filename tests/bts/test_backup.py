"""Backup and restore lose nothing: a dump of the database, restored into a fresh database, has
every table's rows, the audit trail's included, as its manifest says; and the check that proves
it notices a row gone."""

import datetime as dt
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from psycopg import sql

from bts.backup import backup, read_manifest, restore, verify
from cases import services

pytestmark = pytest.mark.django_db(transaction=True)


def owner_url(database: str) -> str:
    """The test server as the owner of the tables (DATABASE_URL's login; the app's connections
    act as the app's role only after SET ROLE), on `database`."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path=f"/{database}"))


@pytest.fixture
def fresh_database():
    name = f"bts_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(owner_url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield owner_url(name)
    with psycopg.connect(owner_url("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def test_a_backup_restores_every_row_into_a_fresh_database(
    guide, employee, tmp_path, fresh_database
):
    child = services.child_create(
        user=employee, child=services.ChildData("Emma", "Hansen", dt.date(2019, 5, 1))
    )
    case = services.case_open(
        user=employee,
        service=employee.memberships.first().service,
        child=child,
        concern=services.ConcernData("Emma gråter.", timezone.localdate(), "Ute", 2),
    )
    services.note_add(case=case, user=employee, text="Et notat som skal tåle en gjenoppretting.")
    source = owner_url(connection.settings_dict["NAME"])

    dump = backup(source, tmp_path)

    tables = read_manifest(dump)
    assert tables["cases_case"]["rows"] == 1 and tables["bts_auditevent"]["rows"] >= 2
    assert verify(source, dump) == []
    restore(fresh_database, dump)
    assert verify(fresh_database, dump) == []
    # The check is a real one: a row gone from the restored copy is named.
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        conn.execute("DELETE FROM cases_relayentry WHERE text LIKE 'Et notat%%'")
    (difference,) = verify(fresh_database, dump)
    assert difference.startswith("cases_relayentry:")


def test_the_commands_say_what_they_found_and_fail_on_a_difference(
    guide, employee, tmp_path, fresh_database, monkeypatch, capsys
):
    """`make backup` and `make restore` run `python -m bts.backup`: what it prints and its exit
    code are what an operator (or a script) goes by."""
    from bts.backup import main

    services.note_add(
        case=services.case_open(
            user=employee,
            service=employee.memberships.first().service,
            child=services.child_create(
                user=employee, child=services.ChildData("Emma", "Hansen", dt.date(2019, 5, 1))
            ),
            concern=services.ConcernData("Emma gråter.", timezone.localdate(), "Ute", 2),
        ),
        user=employee,
        text="Et notat som skal tåle en gjenoppretting.",
    )
    monkeypatch.setenv("DATABASE_URL", owner_url(connection.settings_dict["NAME"]))
    assert main(["backup", str(tmp_path)]) == 0
    (dump,) = tmp_path.glob("backup-*.dump")
    assert f"Sikkerhetskopi: {dump}" in capsys.readouterr().out

    monkeypatch.setenv("DATABASE_URL", fresh_database)
    assert main(["restore", str(dump)]) == 0
    tables = len(read_manifest(dump))
    assert f"{tables} av {tables} tabeller har de samme radene" in capsys.readouterr().out

    with psycopg.connect(fresh_database, autocommit=True) as conn:
        conn.execute("DELETE FROM cases_relayentry WHERE text LIKE 'Et notat%%'")
    assert main(["verify", str(dump)]) == 1
    out = capsys.readouterr().out
    assert "cases_relayentry: expected" in out
    assert f"{tables - 1} av {tables} tabeller" in out

    assert main([]) == 2  # without a command: how to use it
