"""Timing of the PDF rendering path (bts/pdf.py) on a realistic document of three to four pages.

    DJANGO_DEBUG=1 .venv/bin/python bench/pdf.py [renders]

It renders the test minutes (tests/templates/tests/pdf_minutes.html: Norwegian text, headings,
two tables, lists) to PDF/A-2u: template, layout and PDF, as `render_pdf` does for a request.
It prints the first render of the process (which loads the fonts), then p50/p95 over N renders
after a warm-up, and the document's page count.
"""

import os
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import override_settings  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from bts.pdf import DocumentMeta, render_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "tests/pdf_minutes.html"
META = DocumentMeta(
    title="Referat fra samarbeidsmøte",
    author="Solsikken barnehage",
    subject="Sak 2026-0412",
    municipality="Øvre Eiker kommune",
)
CONTEXT = {
    "child_name": "Åse Ødegård Ærø",
    "note": (
        "Mor fortalte at morgenene er bedre når barnet får vite kvelden før hvem som tar imot.\n"
        "Far ønsker at barnehagen sender en kort melding dersom dagen har vært vanskelig.\n"
        "Begge foresatte er enige i målene og i at tiltakene evalueres om fire uker."
    ),
    "participants": [
        {"name": "Ingrid Sæther", "role": "pedagogisk leder", "service": "Solsikken barnehage"},
        {"name": "Kari Ødegård", "role": "mor", "service": "–"},
        {"name": "Per Ødegård", "role": "far", "service": "–"},
        {"name": "Grete Åsen", "role": "styrer", "service": "Solsikken barnehage"},
        {"name": "Jon Bø", "role": "spesialpedagog", "service": "PPT"},
        {"name": "Siri Løvås", "role": "helsesykepleier", "service": "Helsestasjonen"},
    ],
    "measures": [
        {
            "goal": goal,
            "responsible": responsible,
            "period": "02.03.2026–30.03.2026",
            "evaluation": "30.03.2026",
        }
        for goal, responsible in [
            ("Fast voksen tar imot barnet hver morgen", "Pedagogisk leder"),
            ("Bildekort varsler overgangene i løpet av dagen", "Avdelingen"),
            ("Lek i liten gruppe med to faste venner tre dager i uka", "Barnehagelærer"),
            ("Kort samtale med foresatte hver fredag", "Pedagogisk leder"),
            ("Veiledning av personalet om trygge overganger", "Spesialpedagog, PPT"),
            ("Stille krok med bøker etter utetid", "Avdelingen"),
            ("Felles ord og bilder hjemme og i barnehagen", "Foresatte og avdelingen"),
            ("Observasjon av frilek to ganger i uka, med dato og situasjon", "Pedagogisk leder"),
            ("Samtale med barnet om hvordan uka har vært", "Pedagogisk leder"),
            ("Oppfølging av søvn og morgenrutiner hjemme", "Foresatte"),
            ("Helsestasjonen tilbyr en samtale om søvn", "Helsesykepleier"),
            ("Styrer sikrer bemanning om morgenen", "Styrer"),
        ]
    ],
}


def render() -> bytes:
    return render_pdf(TEMPLATE, CONTEXT, meta=META)


def main(n: int) -> None:
    engine = settings.TEMPLATES[0]
    with override_settings(
        TEMPLATES=[{**engine, "DIRS": [*engine["DIRS"], ROOT / "tests" / "templates"]}]
    ):
        start = time.perf_counter()
        document = render()
        first = (time.perf_counter() - start) * 1000
        for _ in range(5):
            render()
        times = []
        for _ in range(n):
            start = time.perf_counter()
            render()
            times.append((time.perf_counter() - start) * 1000)
    pages = len(PdfReader(BytesIO(document)).pages)
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"{'dokument':<22} {'første ms':>10} {'p50 ms':>8} {'p95 ms':>8} {'sider':>6}")
    print(f"{'referat':<22} {first:10.0f} {statistics.median(times):8.0f} {p95:8.0f} {pages:6d}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
