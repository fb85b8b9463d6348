"""`make drills`: faults the app must live through with no acknowledged write lost.

    .venv/bin/python drills/run.py [--only restart,restore,soak,failover] [--seconds 40]
        [--outage 6] [--soak-minutes 10] [--cases 3000] [--folder .pgdata-drills] [--port 8766]

One fresh project-local PostgreSQL (in `--folder`, deleted at the end), migrated, with Øvre
Eiker's guide and toolbox and `seed_synthetic --cases N`; the app under gunicorn on 127.0.0.1
(production settings, DEBUG off, two workers) as the app's own role; four signed-in users at
once, each in a loop of what their role does: the employee and the leader write a note in a case
they hold (a unique text, with a double-submit key) and read the case page, the relay log and
their lists; the municipal leader and familiehjelpa's leader read their overviews. A write is
acknowledged when the app answers 302 to the case page. Then, in order:

- restart: PostgreSQL is stopped (fast: open connections are cut) a third of the way into
  `--seconds` and started again `--outage` seconds later; the app is not restarted.
- restore: a third of the way in, `bts.backup` dumps the database with its manifest while the
  load goes on; the dump is restored into a fresh server, every table compared with the
  manifest, and every write acknowledged before the backup began looked for there.
- soak: `--soak-minutes` of the load with no fault: no error, the app's memory flat, p95 in the
  first and the last minute.
- failover: a standby is made by streaming replication and made synchronous; the app is started
  again with both servers in its DATABASE_URL and `target_session_attrs=read-write`; a third of
  the way in the primary is killed (SIGKILL), and `--outage` seconds later the standby is
  promoted. The app is not restarted.

Every acknowledged write is looked for in the database afterwards (the restored one for the
restore drill, the promoted standby for the failover): lost must be 0, and no answer may be an
error (during a fault the 503 "try again" page is the right answer). A table per drill and one
of all; the exit code is 0 only if every drill passed. Bounded in time and load; everything it
starts is stopped and deleted at the end.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as bench  # noqa: E402 - after the path
from drills.servers import Server, failover_url  # noqa: E402

DRILLS = ("restart", "restore", "soak", "failover")
OK = (200, 302)  # a page, or a write acknowledged by the redirect to its case
RECOVERY = 3.0  # seconds of load at least after a fault is over
# (username, writes notes): the four users at once.
USERS = (
    ("bench-ansatt", True),
    ("bench-leder", True),
    ("bench-kommunalsjef", False),
    ("bench-familiehjelpa", False),
)


# The drill's own setting up, as the owner of the tables: an open case made the user's, in
# their service (a small seed leaves few cases open, and the bench accounts hold few of them).
CASE_OF = """
from django.db.models import Case as When_, Value, When
from bts.isolation import unrestricted
from bts.models import User
from cases.grants import grants_sync
from cases.models import Case
with unrestricted():
    user = User.objects.get(username={username!r})
    service = user.memberships.get().service
    mine = When_(When(owner_service=service, then=Value(0)), default=Value(1))
    case = (
        Case.objects.filter(status=Case.Status.OPEN, municipality=service.municipality)
        .exclude(pk__in={taken!r}).order_by(mine, "pk").first()
    )
    if case is None:
        raise SystemExit("No open case left: seed more cases.")
    Case.objects.filter(pk=case.pk).update(owner_service=service, responsible=user)
    grants_sync(case, [user])
print(case.pk)
"""


def notes_found(url: str, texts, cases) -> tuple[int, int]:
    """How many of these notes the database at `url` has, and how many half or double writes
    it holds: a note and its audit event are one transaction, so the drill's notes in its cases
    and the audit events of a note there must be as many; and each text, written once with its
    double-submit key, must be there once."""
    import psycopg

    with psycopg.connect(url) as conn:
        found, rows = conn.execute(
            "SELECT count(DISTINCT text), count(*) FROM cases_relayentry"
            " WHERE kind = 'note' AND text = ANY(%s)",
            [sorted(texts)],
        ).fetchone()
        (half,) = conn.execute(
            "SELECT abs((SELECT count(*) FROM cases_relayentry WHERE kind = 'note'"
            "  AND text LIKE 'Øvelse %%' AND case_id = ANY(%s))"
            " - (SELECT count(*) FROM bts_auditevent WHERE kind = 'case_changed'"
            "  AND detail = 'note' AND case_id = ANY(%s)))",
            [cases, cases],
        ).fetchone()
    return found, half + rows - found


class App:
    """The app under gunicorn, as production runs it, with its log in the drill's folder."""

    def __init__(self, env: dict, port: int, log: Path):
        self.port = port
        self.log = log.open("a")
        self.process = bench.start_app(env, port, self.log)

    def wait(self) -> None:
        bench.wait_for_app(self.port)

    def memory(self) -> int:
        """Resident memory of the master and its workers, in bytes."""
        import psutil

        master = psutil.Process(self.process.pid)
        return sum(p.memory_info().rss for p in [master, *master.children(recursive=True)])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self.log.close()


@dataclass
class User:
    name: str
    browser: bench.Browser
    case: int | None

    def requests(self) -> list[tuple[str, str, str]]:
        """(kind, method, path) of one round of what this user does."""
        if self.case is not None:
            case = f"/saker/{self.case}/"
            return [
                ("write", "POST", f"{case}notat/"),
                ("read", "GET", case),
                ("read", "GET", f"{case}?type=note"),
                ("read", "GET", "/saker/"),
                ("read", "GET", "/"),
            ]
        if self.name == "bench-kommunalsjef":
            return [("read", "GET", "/oversikt/kommune/"), ("read", "GET", "/")]
        return [("read", "GET", "/familiehjelpa/"), ("read", "GET", "/familiehjelpa/tall/")]


@dataclass
class Load:
    """What the users saw: answers by kind and status, acknowledged writes with when, and each
    request's time."""

    outcomes: collections.Counter = field(default_factory=collections.Counter)
    acknowledged: dict[str, float] = field(default_factory=dict)
    timings: list[tuple[float, float, object]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    until: float = 0.0

    def run(self, users: list[User], seconds: float, fault=None) -> None:
        self.until = time.monotonic() + seconds
        # Daemons: an interrupted drill ends with its main thread.
        threads = [threading.Thread(target=self.user, args=(u,), daemon=True) for u in users]
        if fault:
            threads.append(threading.Thread(target=fault, daemon=True))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def recovered(self, at: float) -> None:
        """The fault is over at `at`: the load goes on for at least RECOVERY seconds more, so
        that a slow start (a busy machine) still leaves time to see the app serve again."""
        self.until = max(self.until, at + RECOVERY)

    def user(self, user: User) -> None:
        token = None
        while time.monotonic() < self.until:
            for kind, method, path in user.requests():
                started = time.monotonic()
                try:
                    if method == "POST":
                        if token is None:
                            token = user.browser.csrf(f"/saker/{user.case}/")
                        text = f"Øvelse {uuid.uuid4()}"
                        body = {
                            "csrfmiddlewaretoken": token,
                            "text": text,
                            "idempotency_key": str(uuid.uuid4()),
                        }
                        response, _ = user.browser.request(method, path, body)
                        ok = response.headers.get("Location") == f"/saker/{user.case}/"
                        if response.status == 302 and ok:
                            with self.lock:
                                self.acknowledged[text] = time.monotonic()
                    else:
                        response, _ = user.browser.request(method, path)
                        ok = False
                    status = response.status
                    if status == 302 and not ok:  # to the login page, say: not what was asked
                        status = f"302 {response.headers.get('Location')}"
                    elif method == "POST" and status == 200:  # the form again: not written
                        status = "200 ikke lagret"
                except Exception as exc:  # every failure is counted; none ends the user
                    status = type(exc).__name__
                    time.sleep(0.2)
                with self.lock:
                    self.outcomes[kind, status] += 1
                    self.timings.append((started, (time.monotonic() - started) * 1000, status))

    @property
    def errors(self) -> int:
        """Answers that are neither a success nor the 503 "try again" page."""
        return sum(n for (_k, s), n in self.outcomes.items() if s not in (*OK, 503))

    def served_after(self, moment: float) -> bool:
        """Some page was served after `moment` (the app came back by itself)."""
        return any(at > moment and status in OK for at, _ms, status in self.timings)

    def unavailable(self, fault: float) -> float:
        """Seconds from the fault until the first page served after the last refusal: what the
        users saw of it (the recovery time)."""
        refused = [at for at, _ms, status in self.timings if status not in OK and at >= fault]
        if not refused:
            return 0.0
        back = [at for at, _ms, status in self.timings if status in OK and at > max(refused)]
        return (min(back) if back else float("inf")) - fault

    def count(self, status) -> int:
        return sum(n for (_k, s), n in self.outcomes.items() if s == status)

    def p95(self, start: float, end: float) -> float:
        times = [ms for at, ms, _status in self.timings if start <= at < end]
        return statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else 0


@dataclass
class Result:
    drill: str
    seconds: float
    load: Load
    acknowledged: int
    found: int
    half: int
    held: bool  # the drill's own conditions (recovered; tables equal; memory flat)
    note: str = ""

    @property
    def lost(self) -> int:
        return self.acknowledged - self.found

    @property
    def passed(self) -> bool:
        """Writes acknowledged, every one found once and whole, no error, and the drill's own
        conditions held."""
        return (
            0 < self.found == self.acknowledged
            and not self.half
            and not self.load.errors
            and self.held
        )


def print_outcomes(title: str, load: Load, lines: list[tuple[str, object]]) -> None:
    print()
    print(title)
    print(f"{'svar':<34}{'antall':>10}")
    for (kind, status), count in sorted(load.outcomes.items(), key=str):
        print(f"{kind + ' ' + str(status):<34}{count:>10}")
    for label, value in lines:
        print(f"{label:<34}{value!s:>10}")


class Drills:
    def __init__(self, args):
        self.args = args
        self.folder = Path(args.folder).resolve()
        self.env = bench.env()
        self.app_env = dict(self.env)
        self.servers: list[Server] = []
        self.primary: Server | None = None
        self.app: App | None = None
        self.users: list[User] = []

    # --- setting up and tearing down ---

    def set_up(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.primary = self.server("primary")
        self.primary.init()
        self.use(self.primary.url(), self.primary.url("bts_app"))
        for command in (
            ("migrate", "--noinput"),
            ("collectstatic", "--noinput"),
            ("load_guide", "fixtures/veiledere/ovre-eiker.toml"),
            ("load_toolbox", "fixtures/verktoy/ovre-eiker.toml"),
            ("seed_synthetic", "--cases", str(self.args.cases)),
        ):
            bench.manage(*command, env=self.env)
        taken: list[int] = []
        self.cases = {}
        for name, writes in USERS:
            if writes:
                code = CASE_OF.format(username=name, taken=taken)
                printed = bench.manage("shell", "-c", code, env=self.env)
                self.cases[name] = int(printed.splitlines()[-1])
                taken.append(self.cases[name])
        self.case_ids = list(self.cases.values())

    def server(self, name: str, **kwargs) -> Server:
        server = Server(self.folder, name, **kwargs)
        self.servers.append(server)
        return server

    def use(self, owner_url: str, app_url: str) -> None:
        self.env["DATABASE_URL"] = owner_url
        self.app_env["DATABASE_URL"] = app_url

    def start_app(self) -> None:
        """The app (again, with the current DATABASE_URL); the users sign in once, since a
        one-time code works once, and keep their sessions, which live in the database."""
        if self.app is not None:
            self.app.stop()
        self.app = App(self.app_env, self.args.port, self.folder / "app.log")
        self.app.wait()
        if self.users:
            return
        self.users = [
            User(name, bench.log_in(name, self.args.port), self.cases.get(name))
            for name, _writes in USERS
        ]

    def tear_down(self) -> None:
        """Everything started is stopped, each on its own: one that fails to stop does not keep
        the others running."""
        steps = [self.app.stop] if self.app is not None else []
        steps += [server.remove for server in self.servers]
        for step in steps:
            try:
                step()
            except Exception as exc:  # go on with the rest, and say so
                print(f"Opprydding: {exc}", file=sys.stderr)
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- the drills ---

    def restart(self) -> Result:
        args = self.args
        return self.fault_drill(
            "restart",
            fault=lambda: self.primary.stop("fast"),
            recover=self.primary.start,
            title=f"Databaseomstart under last: {args.seconds:.0f} s, PostgreSQL stoppet etter "
            f"{args.seconds / 3:.0f} s og borte i {args.outage:.0f} s",
            note=f"PostgreSQL borte i {args.outage:.0f} s",
            found_in="funnet i databasen",
        )

    def fault_drill(self, name, *, fault, recover, title, note, found_in) -> Result:
        """The load for `--seconds`; a third of the way in `fault()`, `--outage` seconds later
        `recover()`; then every acknowledged write looked for on the primary (as it is after
        `recover`), and the app required to have served again after the recovery."""
        args, log, load = self.args, [], Load()

        def run_fault():
            time.sleep(args.seconds / 3)
            log.append(("fault", time.monotonic()))
            fault()
            time.sleep(args.outage)
            recover()
            log.append(("recovered", time.monotonic()))
            load.recovered(log[-1][1])

        load.run(self.users, args.seconds, run_fault)
        found, half = notes_found(self.primary.url(), load.acknowledged, self.case_ids)
        recovered = [e for e, _at in log] == ["fault", "recovered"] and load.served_after(
            log[-1][1]
        )
        unavailable = load.unavailable(log[0][1]) if log else float("inf")
        result = Result(
            name,
            args.seconds,
            load,
            len(load.acknowledged),
            found,
            half,
            held=recovered,
            note=f"{note}; brukerne uten svar i {unavailable:.1f} s",
        )
        print_outcomes(
            title,
            load,
            [
                ("brukerne uten svar (s)", f"{unavailable:.1f}"),
                ("bekreftede skrivinger", result.acknowledged),
                (found_in, found),
                ("tapt", result.lost),
                ("halve eller doble skrivinger", half),
            ],
        )
        return result

    def restore(self) -> Result:

        from bts import backup

        args, state = self.args, {}

        def fault():
            time.sleep(args.seconds / 3)
            state["began"] = time.monotonic()
            state["dump"] = backup.backup(self.primary.url(), self.folder / "backups")
            state["ended"] = time.monotonic()

        load = Load()
        load.run(self.users, args.seconds, fault)
        fresh = self.server("restored", port=5434)
        fresh.init()
        started = time.monotonic()
        backup.restore(fresh.url(), state["dump"])
        restored_in = time.monotonic() - started
        differences = backup.verify(fresh.url(), state["dump"])
        manifest = backup.read_manifest(state["dump"])
        tables, audit = len(manifest), manifest["bts_auditevent"]["rows"]
        before = {t for t, at in load.acknowledged.items() if at < state["began"]}
        found, half = notes_found(fresh.url(), before, self.case_ids)
        size = state["dump"].stat().st_size
        fresh.remove()
        result = Result(
            "restore",
            args.seconds,
            load,
            len(before),
            found,
            half,
            held=not differences,
            note=f"{tables - len(differences)} av {tables} tabeller like; gjenopprettet på "
            f"{restored_in:.0f} s",
        )
        print_outcomes(
            f"Sikkerhetskopi under last og gjenoppretting i en ny server: {args.seconds:.0f} s "
            f"last, kopien tatt etter {args.seconds / 3:.0f} s",
            load,
            [
                ("kopiering tok (s)", f"{state['ended'] - state['began']:.1f}"),
                ("kopiens størrelse (MB)", f"{size / 1e6:.1f}"),
                ("gjenoppretting tok (s)", f"{restored_in:.1f}"),
                ("tabeller like manifestet", f"{tables - len(differences)}/{tables}"),
                ("revisjonsspor i kopien (rader)", audit),
                ("bekreftet før kopien", len(before)),
                ("funnet i gjenopprettet", found),
                ("tapt", result.lost),
                ("halve eller doble skrivinger", half),
            ],
        )
        for line in differences:
            print("  ulik:", line)
        return result

    def soak(self) -> Result:
        args = self.args
        seconds = args.soak_minutes * 60
        memory: list[tuple[float, int]] = []
        stop = threading.Event()

        def sample():
            while not stop.wait(10):
                memory.append((time.monotonic(), self.app.memory()))

        sampler = threading.Thread(target=sample)
        sampler.start()
        load = Load()
        started = time.monotonic()
        try:
            load.run(self.users, seconds)
        finally:
            stop.set()
            sampler.join()
        ended = time.monotonic()
        found, half = notes_found(self.primary.url(), load.acknowledged, self.case_ids)
        # Memory after the first minute (imports, caches and pools filled) against the end.
        warm = [rss for at, rss in memory if at >= started + 60] or [rss for _at, rss in memory]
        growth = (warm[-1] - warm[0]) / warm[0]
        trail = [f"{rss / 1e6:.0f}" for at, rss in memory if int(at - started) % 120 < 10]
        first, last = load.p95(started, started + 60), load.p95(ended - 60, ended)
        requests = sum(load.outcomes.values())
        result = Result(
            "soak",
            seconds,
            load,
            len(load.acknowledged),
            found,
            half,
            # "Flat": under a tenth, a worker's heap settling; a leak grows with each request.
            held=load.count(503) == 0 and growth < 0.10,
            note=f"p95 {first:.0f} → {last:.0f} ms; minne {warm[0] / 1e6:.0f} → "
            f"{warm[-1] / 1e6:.0f} MB",
        )
        print_outcomes(
            f"Utholdenhet: {args.soak_minutes:g} min, {len(self.users)} samtidige brukere, "
            "ingen feil lagt inn",
            load,
            [
                ("forespørsler per sekund", f"{requests / seconds:.1f}"),
                ("p95 første minutt (ms)", f"{first:.0f}"),
                ("p95 siste minutt (ms)", f"{last:.0f}"),
                ("minne etter 1 min (MB)", f"{warm[0] / 1e6:.0f}"),
                ("minne ved slutt (MB)", f"{warm[-1] / 1e6:.0f}"),
                ("endring", f"{growth:+.1%}"),
                ("minne hvert 2. minutt (MB)", " ".join(trail)),
                ("bekreftede skrivinger", result.acknowledged),
                ("funnet i databasen", found),
                ("tapt", result.lost),
                ("halve eller doble skrivinger", half),
            ],
        )
        return result

    def failover(self) -> Result:
        args, primary = self.args, self.primary
        standby = self.server("standby", port=5433)
        primary.replicate_to(standby)
        self.use(
            failover_url(primary, standby, "postgres"), failover_url(primary, standby, "bts_app")
        )
        self.start_app()

        def promote():
            standby.promote()
            self.primary = standby

        # The wait before promoting is what Patroni or the managed service takes to see the
        # primary gone.
        return self.fault_drill(
            "failover",
            fault=primary.kill,
            recover=promote,
            title=f"Failover: {args.seconds:.0f} s, primærserveren drept (SIGKILL) etter "
            f"{args.seconds / 3:.0f} s, den synkrone reserven forfremmet {args.outage:.0f} s "
            "senere",
            note=f"reserven forfremmet etter {args.outage:.0f} s",
            found_in="funnet i den forfremmede",
        )


def summary(results: list[Result]) -> None:
    print()
    print(
        f"{'øvelse':<10}{'sek':>6}{'forespørsler':>14}{'503':>7}{'feil':>6}"
        f"{'bekreftet':>11}{'funnet':>8}{'tapt':>6}{'halve':>7}  {'resultat':<14}merknad"
    )
    for r in results:
        print(
            f"{r.drill:<10}{r.seconds:>6.0f}{sum(r.load.outcomes.values()):>14}"
            f"{r.load.count(503):>7}{r.load.errors:>6}{r.acknowledged:>11}{r.found:>8}"
            f"{r.lost:>6}{r.half:>7}  {'bestått' if r.passed else 'IKKE bestått':<14}{r.note}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=",".join(DRILLS), help="comma-separated drills")
    parser.add_argument("--seconds", type=float, default=40, help="load per fault drill")
    parser.add_argument("--outage", type=float, default=6)
    parser.add_argument("--soak-minutes", type=float, default=10)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--folder", default=str(ROOT / ".pgdata-drills"))
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args(argv)
    chosen = [d for d in DRILLS if d in args.only.split(",")]
    if not chosen:
        parser.error(f"--only: choose among {', '.join(DRILLS)}")

    import django

    os.environ.update({k: v for k, v in bench.env().items() if k != "DATABASE_URL"})
    django.setup()  # for the bench accounts' password and key; this process reads no database
    drills = Drills(args)
    results = []
    started = time.monotonic()
    try:
        drills.set_up()
        print(f"Database klar på {time.monotonic() - started:.0f} s ({args.cases} saker).")
        drills.start_app()
        for name in chosen:
            results.append(getattr(drills, name)())
    finally:
        drills.tear_down()
    summary(results)
    passed = all(r.passed for r in results)
    print(f"{os.cpu_count()} kjerner; {time.monotonic() - started:.0f} s i alt.")
    print("Resultat:", "bestått" if passed else "IKKE bestått")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
