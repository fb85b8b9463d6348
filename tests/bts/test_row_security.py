"""The database's own wall between municipalities (bts.isolation, decision 0064): raw SQL as
the app's role finds nothing of a municipality the request may not see, and a shared service
sees exactly the municipalities it serves."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from bts.isolation import RowSecurityMiddleware, visible, visible_for
from bts.localdb import APP_ROLE
from bts.models import Municipality, Service, User
from cases.models import Case, Concern, RelayEntry
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

# Tables of the case-data apps that are no municipality's data: the reminders already sent (keys
# only) and the months whose figures are to be counted again.
WITHOUT_KEY = {"cases_remindersent", "dashboards_stalemonth"}
CASE_DATA_PREFIXES = ("cases_", "familiehjelpa_", "dashboards_")


def _sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _case_data_tables() -> list[str]:
    rows = _sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE ANY (%s)",
        [[f"{prefix}%" for prefix in CASE_DATA_PREFIXES]],
    )
    return sorted(name for (name,) in rows if name not in WITHOUT_KEY)


def _per_municipality(table: str) -> dict[int, int]:
    return dict(_sql(f"SELECT municipality_id, count(*) FROM {table} GROUP BY 1"))  # noqa: S608


def _everything() -> dict[str, dict[int, int]]:
    return {table: _per_municipality(table) for table in _case_data_tables()}


@pytest.fixture
def demo(guide, demo_data):
    return (
        Municipality.objects.get(number="3314"),
        Municipality.objects.get(number="4699"),
    )


def test_the_app_runs_as_a_role_that_owns_nothing_and_cannot_bypass_the_policies(db):
    (user, superuser, bypass) = _sql(
        "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )[0]
    assert (user, superuser, bypass) == (APP_ROLE, False, False)
    assert _sql("SELECT count(*) FROM pg_tables WHERE tableowner = current_user") == [(0,)]
    with pytest.raises(DatabaseError, match="must be owner"), transaction.atomic():
        _sql("ALTER TABLE cases_case DISABLE ROW LEVEL SECURITY")


def test_every_table_of_case_data_has_the_key_and_a_policy(db):
    tables = _case_data_tables()
    assert "cases_case" in tables and "familiehjelpa_inquiry" in tables
    keyed = {
        name
        for (name,) in _sql(
            "SELECT table_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND column_name = 'municipality_id'"
            " AND is_nullable = 'NO'"
        )
    }
    secured = {
        name
        for (name,) in _sql(
            "SELECT c.relname FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid"
            " WHERE c.relrowsecurity"
        )
    }
    assert [t for t in tables if t not in keyed] == []
    assert [t for t in tables if t not in secured] == []


def test_raw_sql_in_one_municipalitys_context_finds_no_row_of_the_other(demo):
    first, second = demo
    truth = _everything()
    # The demo has both municipalities' rows in the tables a case is made of, so the test
    # below has something to hide.
    for table in ("cases_case", "cases_child", "cases_relayentry", "cases_concern"):
        assert truth[table].get(first.pk) and truth[table].get(second.pk), table
    for mine, other in ((first, second), (second, first)):
        with visible(str(mine.pk)):
            seen = _everything()
            assert _sql(
                "SELECT count(*) FROM cases_case WHERE municipality_id = %s", [other.pk]
            ) == [(0,)]
        for table, counts in truth.items():
            expected = {mine.pk: counts[mine.pk]} if mine.pk in counts else {}
            assert seen[table] == expected, table


def test_no_context_sees_nothing(demo):
    with visible(""):
        assert all(counts == {} for counts in _everything().values())


def test_a_shared_service_sees_exactly_the_municipalities_it_serves(demo):
    first, second = demo
    truth = _everything()
    shared = User.objects.get(username="barnevern")  # Barneverntjenesten: hosted by the first
    own = User.objects.get(username="ansatt")  # a kindergarten of the first only
    assert visible_for(shared) == f"{first.pk},{second.pk}"
    with visible(visible_for(shared)):
        assert _everything() == truth
    with visible(visible_for(User.objects.get(username="ansatt"))):
        assert _everything() == {
            table: {first.pk: counts[first.pk]} if first.pk in counts else {}
            for table, counts in truth.items()
        }
    # Off the served list: at the next request the service sees its host's rows only.
    Service.objects.get(name="Barneverntjenesten").partner_municipalities.remove(second)
    again = User.objects.get(username="barnevern")
    assert visible_for(again) == str(first.pk) == visible_for(own)


def test_each_request_sees_its_persons_municipalities_and_the_connection_is_put_back(demo):
    def unfiltered(request):
        # A query that "forgot" the municipality: all it can get is what the wall lets through.
        return HttpResponse(str(_sql("SELECT count(DISTINCT municipality_id) FROM cases_case")))

    middleware = RowSecurityMiddleware(unfiltered)
    request = RequestFactory().get("/")
    for username, expected in (("fjordvik-tilsett", "1"), ("barnevern", "2"), ("ansatt", "1")):
        request.user = User.objects.get(username=username)
        assert middleware(request).content.decode() == f"[({expected},)]"
    request.user = AnonymousUser()
    assert middleware(request).content.decode() == "[(0,)]"
    # After the request: what the connection had before (here the test's installation-wide).
    assert _sql("SELECT current_setting('bts.municipalities')") == [("*",)]


def test_the_database_fills_the_key_from_the_parent_and_refuses_a_write_it_may_not_see(demo):
    first, second = demo
    case = Case.objects.filter(municipality=second).first()
    concern = Concern.objects.filter(case=case).first()
    entry = RelayEntry.objects.create(
        case=case, actor=User.objects.get(username="barnevern"), kind="note", level=0, text="x"
    )
    assert entry.municipality_id == second.pk  # returned on insert
    assert concern.municipality_id == second.pk
    with visible(str(first.pk)):
        # The parent is out of sight, so the key stays empty and the row is refused.
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            RelayEntry.objects.create(
                case_id=case.pk, actor=entry.actor, kind="note", level=0, text="y"
            )
        # Naming the other municipality outright is refused by the policy itself.
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            _sql(
                "INSERT INTO cases_relayentry (case_id, municipality_id, at, actor_id, kind,"
                " level, step_code, text) VALUES (%s, %s, now(), %s, 'note', 0, '', 'z')",
                [case.pk, second.pk, entry.actor.pk],
            )
        # And a change to another municipality's row changes nothing.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE cases_case SET status = status WHERE id = %s", [case.pk])
            assert cursor.rowcount == 0


def test_a_municipality_of_its_own_sees_nothing_of_the_demo(demo):
    lonely = MunicipalityFactory(number="9991")
    with visible(str(lonely.pk)):
        assert all(counts == {} for counts in _everything().values())


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_cannot_take_the_reset_is_closed_not_kept():
    """Had the setting of a request stayed on a connection, the next request there would see
    its municipalities: a connection the reset fails on is closed instead."""
    with visible("1"):
        connection.connection.close()  # the server went away mid-request
    assert connection.connection is None
    # The next use opens a fresh connection, with the default (here the harness's).
    assert _sql("SELECT current_setting('bts.municipalities')") == [("*",)]


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE bts_auditevent",
        "ALTER TABLE bts_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE bts_auditevent DISABLE TRIGGER bts_auditevent_append_only",
        "ALTER TABLE bts_auditevent ADD COLUMN note text",
        "DROP TRIGGER bts_auditevent_append_only ON bts_auditevent",
        "UPDATE bts_auditevent SET detail = ''",
        "DELETE FROM bts_auditevent",
    ],
)
def test_the_app_s_role_cannot_change_or_empty_the_audit_trail(db, statement):
    """From the app's own connection: the audit table takes INSERT and SELECT, nothing else."""
    refused = pytest.raises(DatabaseError, match=r"permission denied|must be owner")
    with refused, transaction.atomic():
        _sql(statement)
    privileges = _sql(
        "SELECT privilege_type FROM information_schema.role_table_grants"
        " WHERE table_name = 'bts_auditevent' AND grantee = current_user"
    )
    assert sorted(p for (p,) in privileges) == ["INSERT", "SELECT"]
