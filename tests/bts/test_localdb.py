import json

from bts.localdb import repair_pid_list


def test_an_emptied_pid_list_is_repaired(tmp_path):
    # What a Ctrl-C during `make demo` can leave behind; the next start must not crash on it.
    (tmp_path / ".handle_pids.json").write_text("")
    repair_pid_list(tmp_path)
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == []


def test_a_good_pid_list_is_left_alone(tmp_path):
    (tmp_path / ".handle_pids.json").write_text("[12, 34]")
    repair_pid_list(tmp_path)
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [12, 34]


def test_no_pid_list_yet(tmp_path):
    repair_pid_list(tmp_path)
    assert not (tmp_path / ".handle_pids.json").exists()


def test_manage_py_connects_as_the_owner_only_to_change_the_schema_or_load_in_bulk():
    from bts.localdb import role_for

    for command in ("migrate", "makemigrations", "dbshell", "seed_synthetic"):
        assert role_for(command) == "owner", command
    for command in ("runserver", "send_reminders", "seed_demo", "load_guide", "shell", ""):
        assert role_for(command) == "app", command


def test_the_local_server_has_the_apps_role_and_it_owns_nothing(db):
    """The role start() creates and gives the app's URL: a login that owns nothing, is no
    superuser and cannot bypass row-level security (the tests run as it: conftest)."""
    from django.db import connection

    from bts.localdb import APP_ROLE, database_url

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb"
            " FROM pg_roles WHERE rolname = %s",
            [APP_ROLE],
        )
        assert cursor.fetchone() == (True, False, False, False, False)
    url = database_url({"USER": APP_ROLE, "HOST": "/run/postgresql", "PORT": "5432"})
    assert url.startswith(f"postgres://{APP_ROLE}@/bts?")
