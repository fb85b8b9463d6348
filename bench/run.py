"""`make bench`: the pages at municipal size, over loopback, as real logged-in users.

    .venv/bin/python bench/run.py [--cases 200000] [--requests 200] [--concurrency 1,2] [--keep]
    .venv/bin/python bench/run.py --national     # 356 municipalities, 2 000 000 cases

1. A fresh project-local PostgreSQL (`.pgdata-bench/`, deleted at the end), migrated, with
   Øvre Eiker's guide and toolbox and `seed_synthetic --cases N`, then VACUUM ANALYZE (what
   autovacuum does to a loaded table in a while: statistics and the visibility map) and a
   CHECKPOINT, so that writing out the load's pages does not run during the measurement.
2. The app under gunicorn on 127.0.0.1 with production settings (DEBUG off), two workers, and
   `BTS_BENCH=1`, which adds each response's SQL query count as a header.
3. The bench accounts log in through the login form and the two-factor step (the code from the
   accounts' known authenticator key), then each page gets a fixed number of requests at a fixed
   concurrency after a warm-up: client-side time over loopback, every answer must be 200. One
   table for one user at a time (the pages' latency), one for two at once (two workers, the
   database and the client sharing two cores).
4. A table of p50/p95 per page, its ratio to the framework floor (`/status/`, which reads
   nothing) measured in the same run, and the queries per page. Then everything is stopped.
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
HOST, PORT = "127.0.0.1", 8765
sys.path.insert(0, str(ROOT))


def env() -> dict:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BTS_"))}
    return keep | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "BTS_SYNTHETIC": "1",
        "BTS_BENCH": "1",
    }


ENV = env()
APP_ENV = dict(ENV)


def manage(*args: str, env: dict | None = None) -> str:
    """`manage.py` with the benchmark's environment (or `env`); stops the run if it fails."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env or ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def start_database() -> None:
    """The benchmark's own server (.pgdata-bench/); every command below gets its address."""
    from bts.localdb import start

    ENV["DATABASE_URL"] = start(ROOT, "bench")
    # The app itself connects as its own role, which row-level security holds (decision 0064).
    APP_ENV["DATABASE_URL"] = start(ROOT, "bench", role="app")


def stop_database() -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [PY, "-m", "bts.localdb", "stop", "--bench"],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        check=False,
    )


def start_app(env: dict, port: int = PORT, log=None) -> subprocess.Popen:
    """The app under gunicorn as production runs it (gunicorn.conf.py, two workers, DEBUG off)
    on 127.0.0.1; its output to `log` if given."""
    return subprocess.Popen(  # noqa: S603 - our own server and arguments
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"{HOST}:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )


def wait_for_app(port: int = PORT) -> None:
    for _ in range(150):
        try:
            if Browser(port).request("GET", "/status/")[0].status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the app did not start")


# --- HTTP as a browser does it ---------------------------------------------------------------


class Browser:
    """One logged-in user: cookies, CSRF token, keep-alive connections per thread."""

    def __init__(self, port: int = PORT):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        if not hasattr(self.local, "conn"):
            self.local.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        return self.local.conn

    def request(self, method: str, path: str, body: dict | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                del self.local.conn
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response, content

    def csrf(self, path: str) -> str:
        _response, content = self.request("GET", path)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()


def log_in(username: str, port: int = PORT) -> Browser:
    from django_otp.oath import TOTP

    from devdata.synthetic import BENCH_PASSWORD, BENCH_TOTP_KEY

    browser = Browser(port)
    token = browser.csrf("/logg-inn/")
    response, _ = browser.request(
        "POST",
        "/logg-inn/",
        {"csrfmiddlewaretoken": token, "username": username, "password": BENCH_PASSWORD},
    )
    assert response.status == 302, (username, response.status)
    response, _content = browser.request("GET", "/")
    if response.status == 302 and "/logg-inn/kode/" in response.headers["Location"]:
        token = browser.csrf("/logg-inn/kode/")
        totp = TOTP(bytes.fromhex(BENCH_TOTP_KEY))
        totp.time = time.time()
        response, _ = browser.request(
            "POST",
            "/logg-inn/kode/",
            {"csrfmiddlewaretoken": token, "token": f"{totp.token():06d}"},
        )
        assert response.status == 302, (username, "second factor", response.status)
    response, _ = browser.request("GET", "/")
    assert response.status == 200, (username, response.status)
    return browser


# --- Measuring --------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    times: list[float]
    queries: str

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.times, n=20, method="inclusive")[18]


def measure(label, browser, path, *, requests, concurrency, headers=None) -> Result:
    for _ in range(5):
        response, _ = browser.request("GET", path, headers=headers)
        assert response.status == 200, (label, path, response.status)
    queries = response.headers.get("X-Query-Count", "")
    times: list[float] = []
    lock = threading.Lock()
    todo = iter(range(requests))

    def work():
        while True:
            with lock:
                if next(todo, None) is None:
                    return
            start = time.perf_counter()
            response, _ = browser.request("GET", path, headers=headers)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status == 200, (label, path, response.status)
            with lock:
                times.append(elapsed)

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(label, times, queries)


def targets(employees: tuple[str, ...]) -> dict:
    """For each bench employee: the id of their busiest open case with minutes (`{case}`, or
    `{case_<n>}` for the n-th employee), and its meeting's; a closed one if they hold no open
    one with minutes (at national size a large municipality's kindergarten teacher holds some
    thirty cases, most closed), which the run says."""
    import django

    os.environ.update(ENV)
    django.setup()
    from django.db.models import Count

    from bts.isolation import unrestricted
    from cases.models import Case, Meeting

    ids = {}
    with unrestricted():  # the bench process reads as the owner, whose rows the wall lets by
        for n, username in enumerate(employees):
            case = (
                Case.objects.filter(responsible__username=username, meetings__minutes__isnull=False)
                .annotate(n=Count("relay_entries", distinct=True))
                .order_by("-status", "-n")  # "open" before "closed"
                .first()
            )
            if case is None:
                sys.exit(f"{username} holds no case with minutes: seed more cases.")
            if case.status != "open":
                print(f"{username} holds no open case with minutes: measuring a closed one.")
            meeting = Meeting.objects.filter(case=case, minutes__isnull=False).first()
            suffix = f"_{n}" if n else ""
            ids |= {f"case{suffix}": case.pk, f"meeting{suffix}": meeting.pk}
    return ids


def pages(national: bool) -> list[tuple]:
    """(label, user, path, extra headers): the floor, then each page as its user sees it; in
    the national mode for a large and a small municipality, a shared service's leader and
    the municipal leaders."""
    found = [("gulv: /status/", None, "/status/", None)]
    # (", stor" inside a label's brackets, " (stor)" after a label without)
    groups = [("", "", "bench-ansatt", "bench-leder", "bench-kommunalsjef", "")]
    if national:
        groups = [
            (", stor", " (stor)", "bench-ansatt", "bench-leder", "bench-kommunalsjef", ""),
            (
                ", liten",
                " (liten)",
                "bench-liten-ansatt",
                "bench-liten-leder",
                "bench-liten-kommunalsjef",
                "_1",
            ),
        ]
    for inside, after, employee, leader, municipal, n in groups:
        case = "/saker/{case" + n + "}/"
        minutes = case + "moter/{meeting" + n + "}/referat.pdf"
        found += [
            (f"start (ansatt{inside})", employee, "/", None),
            (f"saksliste (leder{inside})", leader, "/saker/", None),
            (f"saksside (ansatt{inside})", employee, case, None),
            (
                f"stafettlogg-fragment{after}",
                employee,
                case + "?type=note",
                {"HX-Request": "true", "HX-Target": "relay-log"},
            ),
            (f"tjenesteoversikt (leder{inside})", leader, "{service_dashboard}", None),
            (f"kommuneoversikt{after}", municipal, "{municipal_dashboard}", None),
            (f"referat (PDF{inside})", employee, minutes, None),
        ]
    if national:
        found += [
            ("saksliste (leder, delt)", "bench-delt-leder", "/saker/", None),
            ("tjenesteoversikt (leder, delt)", "bench-delt-leder", "{service_dashboard}", None),
        ]
    return found


DATABASE_SIZE = (
    "from django.db import connection; c = connection.cursor(); "
    "c.execute('SELECT pg_size_pretty(pg_database_size(current_database()))'); "
    "print('Database size:', c.fetchone()[0])"
)


def dashboard_urls() -> dict:
    from django.urls import reverse

    return {
        "service_dashboard": reverse("dashboards:service"),
        "municipal_dashboard": reverse("dashboards:municipal"),
    }


def table(results: list[Result], *, cases: int, concurrency: int) -> None:
    floor = results[0].p50
    print()
    print(f"{cases} saker, {concurrency} samtidige, {os.cpu_count()} kjerner, gunicorn 2 arbeidere")
    print(f"{'side':<34} {'p50 ms':>8} {'p95 ms':>8} {'× gulv':>7} {'spørringer':>11} {'n':>5}")
    for r in results:
        print(
            f"{r.label:<34} {r.p50:>8.1f} {r.p95:>8.1f} {r.p50 / floor:>7.1f} "
            f"{r.queries:>11} {len(r.times):>5}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument(
        "--national",
        action="store_true",
        help="356 municipalities and 2 000 000 cases (unless --cases), shared barnevern and "
        "PPT; the pages for a large and a small municipality and a shared service",
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--concurrency",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 2],
        help="comma-separated: one table for each (default 1,2)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database, and measure a kept one again"
    )
    args = parser.parse_args()
    if args.cases is None:
        args.cases = 2_000_000 if args.national else int(os.environ.get("BENCH_CASES", 200000))
    seeding = ["--cases", str(args.cases)]
    if args.national:
        seeding += ["--municipalities", "356", "--workers", "2"]
    page_list = pages(args.national)

    stop_database()
    kept = args.keep and (ROOT / ".pgdata-bench" / "seeded").exists()
    if not kept:
        shutil.rmtree(ROOT / ".pgdata-bench", ignore_errors=True)
    server = None
    try:
        started = time.monotonic()
        start_database()
        manage("migrate", "--noinput")
        manage("collectstatic", "--noinput")
        if not kept:
            manage("load_guide", "fixtures/veiledere/ovre-eiker.toml")
            manage("load_toolbox", "fixtures/verktoy/ovre-eiker.toml")
            seeded = time.monotonic()
            print(manage("seed_synthetic", *seeding))
            print(f"Seeding took {time.monotonic() - seeded:.0f} s.")
            (ROOT / ".pgdata-bench" / "seeded").write_text(f"{args.cases}\n")
        manage(
            "shell",
            "-c",
            "from django.db import connection; c = connection.cursor(); "
            "c.execute('VACUUM ANALYZE'); c.execute('CHECKPOINT')",
        )
        print(f"Database ready in {time.monotonic() - started:.0f} s.")
        print(manage("shell", "--no-imports", "-c", DATABASE_SIZE))
        employees = tuple(dict.fromkeys(u for _l, u, p, _h in page_list if "{case" in p))
        ids = targets(employees) | dashboard_urls()

        server = start_app(APP_ENV)
        wait_for_app()
        users = dict.fromkeys(user for _label, user, _path, _headers in page_list if user)
        browsers = {name: log_in(name) for name in users}
        browsers[None] = Browser()

        for concurrency in args.concurrency:
            results = []
            for label, user, path, headers in page_list:
                url = path.format(**ids)
                pdf = url.endswith(".pdf")
                results.append(
                    measure(
                        label,
                        browsers[user],
                        url,
                        requests=max(20, args.requests // 5) if pdf else args.requests,
                        concurrency=concurrency,
                        headers=headers,
                    )
                )
            table(results, cases=args.cases, concurrency=concurrency)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        stop_database()
        if not args.keep:
            shutil.rmtree(ROOT / ".pgdata-bench", ignore_errors=True)


if __name__ == "__main__":
    main()
