"""`make drills`: faults the app must live through with no acknowledged write lost.

    .venv/bin/python drills/run.py [--seconds 40] [--users 4] [--outage 6] [--cases 3000]

The database-restart drill:

1. A fresh project-local PostgreSQL (the benchmark's folder, `.pgdata-bench/`, deleted at the
   end), migrated, with Øvre Eiker's guide and `seed_synthetic --cases N`.
2. The app under gunicorn on 127.0.0.1 (production settings, DEBUG off, two workers), as the
   app's own role.
3. `--users` threads of one signed-in employee at once, each in a loop for `--seconds`: write a
   note in the case they hold (its text unique, with a double-submit key) and read the case
   page. A write is acknowledged when the app answers 302 to the case page.
4. A third of the way in, PostgreSQL is stopped (`pg_ctl stop`, fast: open connections are cut)
   and started again `--outage` seconds later. The app is not restarted.
5. Afterwards the database is asked for every acknowledged note. The table says how many
   requests got what, how many writes were acknowledged, how many of them are in the database,
   and how many are lost, which must be 0; every answer during the outage must be the 503 "try
   again" page or a success, never a 500.

It stops by itself: bounded in time and in load; everything it starts is stopped at the end.
"""

import argparse
import collections
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as bench  # noqa: E402 - after the path

EMPLOYEE = "bench-ansatt"


def case_of(username: str) -> int:
    """An open case of the employee's service, made theirs (the drill's own setting up, as the
    owner of the tables: seeding gives the bench employee few cases of their own)."""
    import django

    os.environ.update(bench.ENV)
    django.setup()
    from bts.isolation import unrestricted
    from bts.models import User
    from cases.grants import grants_sync
    from cases.models import Case

    with unrestricted():
        user = User.objects.get(username=username)
        case = (
            Case.objects.filter(owner_service__memberships__user=user, status=Case.Status.OPEN)
            .order_by("pk")
            .first()
        )
        if case is None:
            sys.exit(f"{username}'s service has no open case: seed more cases.")
        Case.objects.filter(pk=case.pk).update(responsible=user)
        grants_sync(case, [user])
    return case.pk


def notes_found(texts: set[str]) -> int:
    import psycopg

    with psycopg.connect(bench.ENV["DATABASE_URL"]) as conn:
        (found,) = conn.execute(
            "SELECT count(*) FROM cases_relayentry WHERE kind = 'note' AND text = ANY(%s)",
            [sorted(texts)],
        ).fetchone()
    return found


def restart_database(*, after: float, outage: float, log: list) -> None:
    time.sleep(after)
    log.append(("stopped", time.monotonic()))
    bench.stop_database()
    time.sleep(outage)
    # In a process of its own: this one's server handle still thinks it runs.
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [bench.PY, "-m", "bts.localdb", "start", "--bench"],
        cwd=ROOT,
        env=bench.ENV,
        capture_output=True,
        check=True,
    )
    log.append(("started", time.monotonic()))


def load(browser, case: int, *, until: float, outcomes, acknowledged: set, lock) -> None:
    """One user: a note, then the case page, again and again until `until`."""
    path = f"/saker/{case}/"
    token = None
    while time.monotonic() < until:
        text = f"Øvelse {uuid.uuid4()}"
        try:
            if token is None:
                token = browser.csrf(path)
            response, _ = browser.request(
                "POST",
                f"/saker/{case}/notat/",
                {"csrfmiddlewaretoken": token, "text": text, "idempotency_key": str(uuid.uuid4())},
            )
            with lock:
                outcomes["write", response.status] += 1
                if response.status == 302 and response.headers["Location"] == path:
                    acknowledged.add(text)
            response, _ = browser.request("GET", path)
            with lock:
                outcomes["read", response.status] += 1
        except OSError as exc:
            with lock:
                outcomes["connection", type(exc).__name__] += 1
            time.sleep(0.2)


def table(outcomes, acknowledged: int, found: int, seconds: float, outage: float) -> None:
    print()
    print(f"Databaseomstart under last: {seconds:.0f} s, PostgreSQL borte i {outage:.0f} s")
    print(f"{'svar':<24}{'antall':>8}")
    for (kind, status), count in sorted(outcomes.items(), key=str):
        print(f"{kind + ' ' + str(status):<24}{count:>8}")
    print(f"{'bekreftede skrivinger':<24}{acknowledged:>8}")
    print(f"{'funnet i databasen':<24}{found:>8}")
    print(f"{'tapt':<24}{acknowledged - found:>8}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--outage", type=float, default=6)
    parser.add_argument("--cases", type=int, default=3000)
    args = parser.parse_args()

    bench.stop_database()
    shutil.rmtree(ROOT / ".pgdata-bench", ignore_errors=True)
    server = None
    try:
        bench.start_database()
        bench.manage("migrate", "--noinput")
        bench.manage("collectstatic", "--noinput")
        bench.manage("load_guide", "fixtures/veiledere/ovre-eiker.toml")
        bench.manage("load_toolbox", "fixtures/verktoy/ovre-eiker.toml")
        bench.manage("seed_synthetic", "--cases", str(args.cases))
        case = case_of(EMPLOYEE)
        server = subprocess.Popen(  # noqa: S603 - our own server and arguments
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi",
                "-b",
                f"{bench.HOST}:{bench.PORT}",
                "-w",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=bench.APP_ENV,
        )
        for _ in range(100):
            try:
                if bench.Browser().request("GET", "/status/")[0].status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        # One sign-in (a one-time code works once), its session used by every thread at once.
        browser = bench.log_in(EMPLOYEE)
        browsers = [browser] * args.users

        outcomes, acknowledged, lock, log = collections.Counter(), set(), threading.Lock(), []
        started = time.monotonic()
        until = started + args.seconds
        threads = [
            threading.Thread(
                target=load,
                args=(browser, case),
                kwargs={
                    "until": until,
                    "outcomes": outcomes,
                    "acknowledged": acknowledged,
                    "lock": lock,
                },
            )
            for browser in browsers
        ]
        threads.append(
            threading.Thread(
                target=restart_database,
                kwargs={"after": args.seconds / 3, "outage": args.outage, "log": log},
            )
        )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        found = notes_found(acknowledged)
        table(outcomes, len(acknowledged), found, args.seconds, args.outage)
        errors = sum(n for (kind, status), n in outcomes.items() if status not in (200, 302, 503))
        recovered = outcomes["read", 200] > 0 and log and log[-1][0] == "started"
        ok = found == len(acknowledged) and errors == 0 and recovered
        print("Resultat:", "bestått" if ok else "IKKE bestått")
        return 0 if ok else 1
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        bench.stop_database()
        shutil.rmtree(ROOT / ".pgdata-bench", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
