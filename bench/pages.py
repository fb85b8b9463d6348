"""Server-side timing of the pages that exist so far, in-process through Django's test client.

Run with the demo database loaded (make demo once, or the loading commands in docs/operations.md):
    DJANGO_DEBUG=1 .venv/bin/python bench/pages.py [requests-per-page]
It measures the time from request to response inside Django (no network, no browser), as
p50/p95 over N requests per page after a warm-up, and the number of SQL queries per page.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The demo database (make demo), unless DATABASE_URL names another.
from bts.localdb import use  # noqa: E402

use(ROOT, "persistent")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = [
    ("innlogging", None, "/logg-inn/"),
    ("start (ansatt)", "ansatt", "/"),
    ("start (leder)", "leder", "/"),
    ("start (kommunalsjef)", "kommunalsjef", "/"),
    ("veileder", "ansatt", "/veileder/"),
    ("trinn 1.2", "ansatt", "/veileder/trinn/1.2/"),
    ("verktøykasse", "ansatt", "/verktoy/"),
    ("verktøy (skala)", "ansatt", "/verktoy/bekymringsskala-barn/"),
    ("tiltaksoversikt", "ansatt", "/tiltak/"),
    ("tiltak, søk", "ansatt", "/tiltak/?q=familie&alder=10"),
    ("kontakter", "ansatt", "/kontakter/"),
    ("sak", "ansatt", "{case}"),
    ("start (familiehjelpa)", "familiehjelpa", "/"),
    ("start (familiekontakt)", "familiekontakt", "/"),
    ("tavla (familiehjelpa)", "familiehjelpa", "/familiehjelpa/"),
    ("henvendelse", "familiehjelpa", "{inquiry}"),
    ("DUKEN", "familiehjelpa", "{inquiry}duken/"),
    ("tall (familiehjelpa)", "familiehjelpa", "/familiehjelpa/tall/"),
    ("tjenesteoversikt", "leder", "/oversikt/tjeneste/"),
    ("liste bak et tall", "leder", "/oversikt/tjeneste/apne/"),
    ("kommuneoversikt", "kommunalsjef", "/oversikt/kommune/"),
    ("kommuneoversikt CSV", "kommunalsjef", "/oversikt/kommune/oversikt.csv"),
]


def demo_case_url() -> str:
    """The page of one of ansatt's cases, if the demo data has any."""
    from cases.models import Case

    case = Case.objects.filter(responsible__username="ansatt").order_by("-pk").first()
    return f"/saker/{case.pk}/" if case else ""


def demo_inquiry_url() -> str:
    """The page of the demo's inquiry with DUKEN, if the demo data has it."""
    from familiehjelpa.models import Inquiry

    inquiry = Inquiry.objects.filter(duken_versions__isnull=False).order_by("pk").first()
    return f"/familiehjelpa/{inquiry.pk}/" if inquiry else ""


def main(n: int) -> None:
    print(f"{'side':<24} {'p50 ms':>8} {'p95 ms':>8} {'spørringer':>11}")
    case_url, inquiry_url = demo_case_url(), demo_inquiry_url()
    for label, username, url in PAGES:
        if ("{inquiry}" in url and not inquiry_url) or ("{case}" in url and not case_url):
            continue
        url = url.format(case=case_url, inquiry=inquiry_url)
        client = Client()
        if username:
            client.login(username=username, password="demo")  # noqa: S106 - demo login
        for _ in range(10):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(n):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"{label:<24} {statistics.median(times):8.1f} {p95:8.1f} {len(queries):11d}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
