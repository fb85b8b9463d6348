"""The database "engine" the settings use when DATABASE_URL is unset: every attempt to use the
database fails with a message that says what to set. The settings start nothing and guess
nothing, so a server that lost its configuration stops instead of finding some other database.
Everything that needs no database (`check --deploy`, collectstatic, /status/) still works."""

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.dummy import base as dummy
from django.db.backends.dummy.features import DummyDatabaseFeatures
from django.db.backends.postgresql.features import DatabaseFeatures as PostgresFeatures

MESSAGE = (
    "Ingen database er satt opp: sett DATABASE_URL (postgres://bruker:passord@vert:5432/navn), "
    "eller start den lokale utviklingsdatabasen med BTS_LOCAL_DB=persistent "
    "(make demo gjør det). Se docs/configuration.md."
)


def complain(*args, **kwargs):
    raise ImproperlyConfigured(MESSAGE)


# The settings name no other database than PostgreSQL: the model checks (`check`, which needs no
# database) judge the models by its capabilities, not by this stand-in's.
DatabaseFeatures = type(
    "DatabaseFeatures",
    (DummyDatabaseFeatures,),
    {name: value for name, value in vars(PostgresFeatures).items() if isinstance(value, bool)},
)


class DatabaseOperations(dummy.DatabaseOperations):
    quote_name = complain


class DatabaseClient(dummy.DatabaseClient):
    runshell = complain


class DatabaseIntrospection(dummy.DatabaseIntrospection):
    get_table_list = complain
    get_table_description = complain
    get_relations = complain
    get_indexes = complain


class DatabaseWrapper(dummy.DatabaseWrapper):
    _cursor = complain
    ensure_connection = complain
    _commit = complain
    _savepoint_commit = complain
    _set_autocommit = complain
    client_class = DatabaseClient
    features_class = DatabaseFeatures
    introspection_class = DatabaseIntrospection
    ops_class = DatabaseOperations
