"""CSV exports that a spreadsheet cannot turn into formulas.

A cell that starts with = + - @ (or a tab or carriage return, which some spreadsheets skip
before one of those) is read as a formula by Excel and LibreOffice: a name typed as
`=HYPERLINK(...)` would run when a leader opens the export. Such cells get a leading
apostrophe, which spreadsheets show as text and do not display (OWASP "CSV injection").
"""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: list[str], rows: Iterable[Iterable]) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads æøå right), semicolon-separated (the Norwegian
    Excel default, since the comma is the decimal sign), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(header: list[str], rows: Iterable[Iterable], *, filename: str) -> HttpResponse:
    from .downloads import attachment_response

    return attachment_response(
        csv_bytes(header, rows), content_type="text/csv; charset=utf-8", filename=filename
    )
