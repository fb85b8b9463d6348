"""PDF/A documents (bts/pdf.py): content, archive identification, metadata, embedded fonts,
page margins, and a URL fetcher that serves our own static files and nothing else."""

import dataclasses
import logging
import socket
import threading
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from datetime import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError, URLFetchingError

from bts import pdf
from bts.pdf import DocumentMeta, RefusedURL, StaticFileFetcher, render_pdf

ROOT = Path(__file__).resolve().parents[2]
STATIC = "https://bts.invalid/static/"
MINUTES = "tests/pdf_minutes.html"
EXTERNAL = "tests/pdf_external.html"

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Europe/Oslo"))
META = DocumentMeta(
    title="Referat fra samarbeidsmøte",
    author="Solsikken barnehage",
    subject="Sak 123",
    municipality="Øvre Eiker kommune",
    created=CREATED,
)
EVIL = '<img src="http://evil.example/x.png">'
CONTEXT = {
    "child_name": "Åse Ødegård Ærø",
    "note": f"Mor skrev i meldingen sin: {EVIL}\nDet skal stå som tekst – ikke bli et bilde.",
    "participants": [
        {"name": "Ingrid Sæther", "role": "pedagogisk leder", "service": "Solsikken barnehage"},
        {"name": "Kari Ødegård", "role": "mor", "service": "–"},
        {"name": "Per Ødegård", "role": "far", "service": "–"},
        {"name": "Grete Åsen", "role": "styrer", "service": "Solsikken barnehage"},
        {"name": "Jon Bø", "role": "spesialpedagog", "service": "PPT"},
    ],
    "measures": [
        {
            "goal": f"Tiltak {number}: fast voksen tar imot barnet og følger overgangen til lek",
            "responsible": "Pedagogisk leder",
            "period": "02.03.2026–30.03.2026",
            "evaluation": "30.03.2026",
        }
        for number in range(1, 13)
    ],
}

XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


def with_test_templates():
    """The settings with tests/templates added, where the test documents live."""
    engine = django_settings.TEMPLATES[0]
    return override_settings(
        TEMPLATES=[{**engine, "DIRS": [*engine["DIRS"], ROOT / "tests" / "templates"]}]
    )


@contextmanager
def network_forbidden():
    """Records every attempt to resolve a name or open a connection, and makes it fail.

    WeasyPrint swallows exceptions raised while fetching, so tests assert on the record."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        yield attempts


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(f"{record.name}: {record.getMessage()}")


@contextmanager
def warnings_logged():
    """The WARNING (and worse) messages of bts.pdf and WeasyPrint while the block runs."""
    handler = _Warnings()
    loggers = [logging.getLogger("bts.pdf"), logging.getLogger("weasyprint")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@dataclasses.dataclass
class Rendered:
    reader: PdfReader
    pages: list[str]
    warnings: list[str]
    network: list


def render(template_name, context, meta=META) -> Rendered:
    with with_test_templates(), network_forbidden() as network, warnings_logged() as warnings:
        reader = PdfReader(BytesIO(render_pdf(template_name, context, meta=meta)))
    return Rendered(reader, [page.extract_text() for page in reader.pages], warnings, network)


@pytest.fixture(scope="module")
def minutes() -> Rendered:
    """The three-page test minutes, rendered once for the tests that only read them."""
    return render(MINUTES, CONTEXT)


def xmp(reader: PdfReader) -> ET.Element:
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    return ET.fromstring(metadata)  # noqa: S314 - our own output, just written


def xmp_text(root: ET.Element, path: str) -> str:
    return root.find(f".//rdf:Description/{path}", XMP).text


def entries(dictionary, key) -> dict:
    """A sub-dictionary of a PDF dictionary (e.g. /Font of /Resources), resolved; {} if absent."""
    if key not in dictionary:
        return {}
    return {name: value.get_object() for name, value in dictionary[key].get_object().items()}


def fonts_of(resources) -> dict:
    """Every font in a resource dictionary, including those of form XObjects in it."""
    resources = resources.get_object()
    found = entries(resources, "/Font")
    for xobject in entries(resources, "/XObject").values():
        if "/Resources" in xobject:
            found |= fonts_of(xobject["/Resources"])
    return found


# The document itself


def test_text_comes_out_intact_with_norwegian_letters(minutes):
    text = "\n".join(minutes.pages)

    for character in "æøåÆØÅ–":
        assert character in text
    assert "Åse Ødegård Ærø" in text
    assert "Ingrid Sæther" in text
    assert "Samarbeidsmøte, nivå 1 – trinn 1.2" in text
    assert "Barnets stemme" in text
    assert "Tiltak 12: fast voksen" in text


def test_every_page_has_the_header_and_the_footer(minutes):
    count = len(minutes.pages)

    assert count >= 2
    for number, text in enumerate(minutes.pages, start=1):
        assert "Øvre Eiker kommune" in text
        assert "Referat fra samarbeidsmøte" in text
        assert "Sak 123" in text
        assert f"Side {number} av {count}" in text


def test_pages_are_a4(minutes):
    for page in minutes.reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_document_identifies_itself_as_pdf_a_2u(minutes):
    reader = minutes.reader
    description = xmp(reader).find("rdf:RDF/rdf:Description", XMP)

    assert description.get(f"{{{XMP['pdfaid']}}}part") == "2"
    assert description.get(f"{{{XMP['pdfaid']}}}conformance") == "U"
    assert reader.pdf_header == "%PDF-1.7"
    intent = reader.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intent
    assert "/ID" in reader.trailer


def test_title_author_subject_date_and_language_are_in_the_metadata(minutes):
    reader = minutes.reader
    info = reader.metadata
    root = xmp(reader)

    assert info["/Title"] == "Referat fra samarbeidsmøte"
    assert info["/Author"] == "Solsikken barnehage"
    assert info["/Subject"] == "Sak 123"
    assert info["/CreationDate"] == "D:20260302093000+01'00"
    assert reader.trailer["/Root"]["/Lang"] == "nb"
    assert xmp_text(root, "dc:title/rdf:Alt/rdf:li") == "Referat fra samarbeidsmøte"
    assert xmp_text(root, "dc:creator/rdf:Seq/rdf:li") == "Solsikken barnehage"
    assert xmp_text(root, "dc:description/rdf:Alt/rdf:li") == "Sak 123"
    assert xmp_text(root, "xmp:CreateDate") == "2026-03-02T09:30:00+01:00"


def test_every_font_is_embedded_and_is_one_of_ours(minutes):
    fonts = {}
    for page in minutes.reader.pages:
        fonts |= fonts_of(page["/Resources"])

    names = set()
    for font in fonts.values():
        described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = described["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
        names.add(font["/BaseFont"].split("+", 1)[-1])
    # Our family in all four faces, and no font the system substituted (it would be named
    # after its own family, e.g. DejaVu-Sans).
    assert names == {"BTS-Sans", "BTS-Sans-Bold", "BTS-Sans-Italic", "BTS-Sans-Bold-Italic"}


def test_rendering_needs_nothing_but_our_static_files(minutes):
    assert minutes.network == []
    assert minutes.warnings == []


def test_user_text_with_markup_is_printed_as_text(minutes):
    text = "\n".join(minutes.pages)

    assert EVIL in text
    # It never became an element: nothing tried to load the image.
    assert not any("evil.example" in message for message in minutes.warnings)


def test_renders_on_two_threads_at_once_each_with_its_own_fonts():
    results = {}

    def work(name):
        with with_test_templates():
            document = render_pdf(MINUTES, CONTEXT, meta=META)
        results[name] = (document, pdf._renderer.font_config)

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    (first, first_fonts), (second, second_fonts) = results["a"], results["b"]
    assert first_fonts is not second_fonts
    for document in (first, second):
        assert "Åse Ødegård Ærø" in PdfReader(BytesIO(document)).pages[0].extract_text()


# Resources from elsewhere


REFUSED_IN_TEMPLATE = [
    "https://cdn.example.org/print.css",
    "http://fonts.example.org/remote.ttf",
    "http://tracker.example.org/pixel.gif",
    "https://images.example.org/logo.png",
    "file:///etc/passwd",
    "data: URL",
    "https://bts.invalid/config/settings.py",
    "https://bts.invalid/static/img/finnes-ikke.png",
]


def test_a_template_referencing_other_resources_still_renders_without_them():
    secret = "Innholdet i dokumentet skal aldri stå i loggen"
    payload = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"

    rendered = render(EXTERNAL, {"secret": secret, "data_payload": payload})

    assert secret in rendered.pages[0]
    assert rendered.network == []
    refusals = [m for m in rendered.warnings if m.startswith("bts.pdf: ")]
    for url in REFUSED_IN_TEMPLATE:
        assert any(url in message for message in refusals), url
    # Our own image was served.
    assert not any("favicon.svg" in message for message in rendered.warnings)
    # The log names the refused URLs, never the document's text or a data: URL's content.
    assert not any(secret in message or payload in message for message in rendered.warnings)


# The fetcher itself


def test_fetcher_serves_our_static_files_from_disk():
    fetcher = StaticFileFetcher()

    with network_forbidden() as network:
        stylesheet = fetcher.fetch(f"{STATIC}css/print.css")
        font = fetcher.fetch(f"{STATIC}fonts/DejaVuSans.ttf")

    assert stylesheet.read() == (ROOT / "static" / "css" / "print.css").read_bytes()
    assert stylesheet.content_type == "text/css"
    assert font.read() == (ROOT / "static" / "fonts" / "DejaVuSans.ttf").read_bytes()
    assert font.content_type == "font/ttf"
    assert network == []


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://example.org/logo.png",
        "https://example.org/static/css/print.css",
        "http://bts.invalid/static/css/print.css",
        "https://bts.invalid:8443/static/css/print.css",
        "https://user@bts.invalid/static/css/print.css",
        "ftp://example.org/static/css/print.css",
        "file:///etc/passwd",
        f"file://{ROOT}/static/css/print.css",
        "data:text/css,body%7Bcolor:red%7D",
        "data:image/png;base64,iVBORw0KGgo=",
        "https://bts.invalid/config/settings.py",
        "https://bts.invalid/static/../config/settings.py",
        "https://bts.invalid/static/css/../../config/settings.py",
        "https://bts.invalid/static/%2e%2e/config/settings.py",
        "https://bts.invalid/static/css/%2E%2E/%2E%2E/config/settings.py",
        "https://bts.invalid/static//etc/passwd",
        "https://bts.invalid/static/%2Fetc%2Fpasswd",
        "https://bts.invalid/static/css\\..\\..\\config\\settings.py",
        "https://bts.invalid/static/css/print.css?v=2",
        "https://bts.invalid/static/css",
        "https://bts.invalid/static/",
        "relative/print.css",
        "http://[not-a-host/logo.png",
    ],
)
def test_fetcher_refuses_everything_else_and_logs_it(url, caplog):
    caplog.set_level(logging.WARNING, logger="bts.pdf")

    with network_forbidden() as network, pytest.raises(RefusedURL):
        StaticFileFetcher().fetch(url)

    assert network == []
    assert [r.levelno for r in caplog.records if r.name == "bts.pdf"] == [logging.WARNING]


@pytest.mark.parametrize(
    "path",
    [
        "../config/settings.py",
        "css/../../config/settings.py",
        "%2e%2e/config/settings.py",
        "/etc/passwd",
    ],
)
def test_traversal_is_refused_before_any_finder_sees_it(path, monkeypatch):
    # The finders refuse paths outside their folders too; this does not depend on it.
    asked = []
    monkeypatch.setattr(finders, "find", lambda path, **kwargs: asked.append(path))

    with pytest.raises(RefusedURL, match="not a plain path"):
        StaticFileFetcher().fetch(f"{STATIC}{path}")

    assert asked == []


def test_a_missing_static_file_is_refused_cleanly(caplog):
    caplog.set_level(logging.WARNING, logger="bts.pdf")

    with pytest.raises(RefusedURL, match="no such static file"):
        StaticFileFetcher().fetch(f"{STATIC}css/finnes-ikke.css")

    assert f"{STATIC}css/finnes-ikke.css" in caplog.text


def test_a_refusal_is_a_failed_fetch_to_weasyprint_not_a_fatal_error():
    # WeasyPrint renders on without a resource whose fetch raised URLFetchingError, but
    # stops the whole document for a FatalURLFetchingError.
    assert issubclass(RefusedURL, URLFetchingError)
    assert not issubclass(RefusedURL, FatalURLFetchingError)
    assert StaticFileFetcher()._fail_on_errors is False


def test_data_urls_are_logged_without_their_content(caplog):
    url = "data:text/plain;base64,SGVtbWVsaWcgaW5uaG9sZCBvbSBiYXJuZXQ="

    with pytest.raises(RefusedURL):
        StaticFileFetcher().fetch(url)

    assert "data: URL (" in caplog.text
    assert "SGVtbWVsaWcg" not in caplog.text


def test_an_absolute_static_url_is_served_from_disk_too(settings):
    settings.STATIC_URL = "https://static.example.org/bts/"

    with network_forbidden() as network:
        served = StaticFileFetcher().fetch("https://static.example.org/bts/css/print.css")
        with pytest.raises(RefusedURL):
            StaticFileFetcher().fetch(f"{STATIC}css/print.css")

    assert served.read() == (ROOT / "static" / "css" / "print.css").read_bytes()
    assert network == []


# The metadata object


def test_document_meta_is_frozen_and_defaults_to_now_in_bokmal():
    before = timezone.now()
    meta = DocumentMeta(title="Brev", author="Familiehjelpa", subject="Sak 7", municipality="X")

    assert meta.language == "nb"
    assert before <= meta.created <= timezone.now()
    with pytest.raises(dataclasses.FrozenInstanceError):
        meta.title = "Noe annet"


def test_creation_time_is_written_in_local_time_with_its_offset():
    naive = dataclasses.replace(META, created=datetime(2026, 7, 1, 12, 0))
    utc = dataclasses.replace(META, created=datetime(2026, 3, 2, 8, 30, tzinfo=ZoneInfo("UTC")))

    assert naive.created_w3c() == "2026-07-01T12:00:00+02:00"
    assert utc.created_w3c() == "2026-03-02T09:30:00+01:00"
