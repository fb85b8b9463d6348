"""The database's own wall between municipalities: row-level security on case data.

The access policy (cases.access and the other apps' policies) decides what a person may read;
this is the second wall under it. Every table of case data carries the municipality its row
belongs to, and PostgreSQL shows the app's role only the rows of the municipalities the
request may see: those its person's services serve, and the one a municipal role is for.
A query that forgot to filter by municipality returns nothing of any other.

- `MunicipalityKey` is the column. The database fills it from the row's parent (the case, the
  child, the inquiry, the service) by a trigger, so no write path can forget it, and Django
  reads it back on insert.
- The migrations call `key_sql` (`link_key_sql` for the many-to-many tables Django makes) and
  `policy_sql` for each table (decision 0064).
- `RowSecurityMiddleware` sets `bts.municipalities` for each request and puts back what was
  there before when the request ends; `unrestricted` is for the installation-wide work that
  counts or sends for every municipality (figures, reminders, archive, retention, seeding).

The setting holds municipality ids separated by commas, or "*" for all; unset or empty is
none. Only the app's role is held by the policies: the owner (migrations) and a superuser
are not, which is PostgreSQL's rule.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, models

SETTING = "bts.municipalities"
ALL = "*"


class MunicipalityKey(models.ForeignKey):
    """The municipality a row of case data belongs to. Filled by the database from the row's
    parent when left empty, and returned on insert so the saved object has it too."""

    db_returning = True

    def __init__(self, *args, parent: str = "", **kwargs):
        # The field of the same row the database takes the key from (its trigger, set by the
        # migration); bulk writers that switch triggers off read it too.
        self.parent = parent
        kwargs.setdefault("to", "bts.Municipality")
        kwargs.setdefault("on_delete", models.PROTECT)
        kwargs.setdefault("related_name", "+")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("related_name", "+"), ("editable", False), ("db_index", False)):
            if kwargs.get(key) == value:
                del kwargs[key]
        return name, path, args, kwargs


# The installation's SQL functions, created once (bts migration 0015). The setting is read in
# sub-selects in the policies, so it is parsed once per query, not once per row.
FUNCTIONS_SQL = """
CREATE FUNCTION bts_sees_all() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('bts.municipalities', true), '') = '*'
$$;
CREATE FUNCTION bts_visible_municipalities() RETURNS bigint[] LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN coalesce(current_setting('bts.municipalities', true), '') IN ('', '*')
        THEN '{}'::bigint[]
        ELSE string_to_array(current_setting('bts.municipalities', true), ',')::bigint[] END
$$;
-- Fills municipality_id from the parent row: TG_ARGV[0] is the parent table, TG_ARGV[1] the
-- column of NEW that points at it. Runs as the writer, so a parent it may not see leaves the
-- key empty and the NOT NULL constraint refuses the row.
CREATE FUNCTION bts_municipality_from_parent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT municipality_id FROM %I WHERE id = ($1).%I', TG_ARGV[0], TG_ARGV[1])
        INTO NEW.municipality_id USING NEW;
    RETURN NEW;
END
$$;
"""

FUNCTIONS_REVERSE_SQL = """
DROP FUNCTION bts_municipality_from_parent();
DROP FUNCTION bts_visible_municipalities();
DROP FUNCTION bts_sees_all();
"""


def key_sql(table: str, parent: str, column: str) -> tuple[str, str]:
    """(forward, reverse) SQL: the trigger that fills `table`.municipality_id from `parent`
    through `column`, and the back-fill of the rows already there."""
    trigger = f"{table}_municipality"
    # The names come from the migrations, never from input.
    forward = f"""
UPDATE {table} AS t SET municipality_id = p.municipality_id FROM {parent} AS p
    WHERE p.id = t.{column} AND t.municipality_id IS NULL;
CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW
    WHEN (NEW.municipality_id IS NULL)
    EXECUTE FUNCTION bts_municipality_from_parent('{parent}', '{column}');
"""  # noqa: S608
    return forward, f"DROP TRIGGER {trigger} ON {table};"


def link_key_sql(table: str, parent: str, column: str) -> tuple[str, str]:
    """(forward, reverse) SQL: the key on a many-to-many table Django makes by itself (it
    writes the two ids only; the trigger fills the key)."""
    fill, unfill = key_sql(table, parent, column)
    forward = f"""
ALTER TABLE {table} ADD COLUMN municipality_id bigint
    REFERENCES bts_municipality (id) DEFERRABLE INITIALLY DEFERRED;
{fill}
ALTER TABLE {table} ALTER COLUMN municipality_id SET NOT NULL;
"""
    return forward, f"{unfill}\nALTER TABLE {table} DROP COLUMN municipality_id;"


def policy_sql(table: str) -> tuple[str, str]:
    """(forward, reverse) SQL: row-level security on `table` by its municipality_id."""
    condition = (
        "(SELECT bts_sees_all())"
        " OR municipality_id = ANY ((SELECT bts_visible_municipalities())::bigint[])"
    )
    forward = f"""
ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
CREATE POLICY {table}_municipality ON {table} USING ({condition}) WITH CHECK ({condition});
"""
    reverse = f"""
DROP POLICY {table}_municipality ON {table};
ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
"""
    return forward, reverse


def migration_operations(keys, links=(), policies=()) -> list:
    """The operations of an app's migration that keys its tables and walls them: `keys` are
    (model, table, parent table, column) for its models' MunicipalityKey (added empty, filled
    from the parents, then required), `links` (table, parent table, column) for the
    many-to-many tables Django makes, `policies` the tables keyed before (the case, the child)
    that get the policy too."""
    from django.db import migrations

    def field(null: bool) -> MunicipalityKey:
        return MunicipalityKey(null=null, on_delete=models.PROTECT, to="bts.municipality")

    operations = [
        migrations.AddField(model_name=model, name="municipality", field=field(True))
        for model, _table, _parent, _column in keys
    ]
    operations += [migrations.RunSQL(*key_sql(t, p, c)) for _m, t, p, c in keys]
    operations += [
        migrations.AlterField(model_name=model, name="municipality", field=field(False))
        for model, _table, _parent, _column in keys
    ]
    operations += [migrations.RunSQL(*link_key_sql(t, p, c)) for t, p, c in links]
    walled = [t for _m, t, _p, _c in keys] + [t for t, _p, _c in links] + list(policies)
    operations += [migrations.RunSQL(*policy_sql(table)) for table in walled]
    return operations


def _swap(value: str) -> str:
    """Set the setting and return what it was, in one round trip, through the driver's own
    cursor: session setup, not one of the request's queries (so the query counts of pages
    stay what they measure). OFFSET 0 keeps the old value read before the new one is set."""
    connection.ensure_connection()
    # The driver's errors as Django's, so the callers' DatabaseError catches them.
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT before.old, set_config(%s, %s, false) FROM"
            " (SELECT coalesce(current_setting(%s, true), '') AS old OFFSET 0) AS before",
            [SETTING, value, SETTING],
        )
        return cursor.fetchone()[0]


@contextmanager
def visible(value: str):
    """Within the block, the app's role sees the municipalities `value` names ("" none, "*"
    all); what was set before is put back after, also when the block fails."""
    previous = _swap(value)
    try:
        yield
    finally:
        try:
            _swap(previous)
        except DatabaseError:
            # A connection that cannot take the reset is closed, so nothing it held survives.
            connection.close()


def unrestricted():
    """For installation-wide work that is for every municipality by nature: counting the
    figures, the daily reminders, archiving and retention, seeding. Never around a read made
    for a person."""
    return visible(ALL)


def visible_for(user) -> str:
    """The municipalities a person's request may see, as the setting's value."""
    from .models import Role
    from .selectors import served_municipality_ids, user_memberships

    ids: set[int] = set()
    for membership in user_memberships(user):
        if membership.role == Role.SYSTEM_ADMIN:
            return ALL
        if membership.municipality_id:
            ids.add(membership.municipality_id)
        if membership.service is not None:
            ids.update(served_municipality_ids(membership.service))
    return ",".join(str(i) for i in sorted(ids))


class RowSecurityMiddleware:
    """Right after sign-in is known: the request sees the rows of its person's municipalities
    only, and the connection goes back to what it had when the response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .middleware import family_municipality_id

        family_municipality = family_municipality_id(request)
        if family_municipality is not None:
            municipalities = str(family_municipality)
        else:
            municipalities = visible_for(getattr(request, "user", None))
        with visible(municipalities):
            return self.get_response(request)


def grant_app_role(using: str = "default") -> None:
    """Give the app's role (settings.BTS_DB_APP_ROLE) what it needs on every table and
    sequence, and nothing it would need to own them. Run after each migrate, as the owner."""
    from django.db import connections

    role = getattr(settings, "BTS_DB_APP_ROLE", "")
    if not role:
        return
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = %s AND rolname <> current_user", [role]
        )
        if cursor.fetchone() is None:
            return
        quoted = connections[using].ops.quote_name(role)
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
        # The audit trail is written and read, never changed: INSERT and SELECT only (its
        # trigger refuses UPDATE and DELETE to the owner too; TRUNCATE, ALTER and trigger control
        # need ownership or a grant the app's role never has).
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON bts_auditevent FROM {quoted}")
