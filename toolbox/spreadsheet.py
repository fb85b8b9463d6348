"""The municipality's tiltaksoversikt as an XLSX spreadsheet (docs/tiltaksoversikt.md).

`check_upload` refuses what is not a plain .xlsx before anything parses it; `read_catalogue`
reads the rows and reports every bad cell (row, column, what is wrong, in Norwegian) at once,
so a file is imported whole or not at all. Nothing here touches the database.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .models import MAX_AGE

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A 5 MB spreadsheet that unpacks to more than this is not a list of services (a zip bomb).
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_ROWS = 2000
MAX_PROBLEMS = 200
HEADER_SEARCH_ROWS = 10
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


class UploadRefused(Exception):
    """The upload is not a spreadsheet we read; the message says why, for the user."""


class CellProblem(ValueError):
    """A cell's value cannot be used; the message says what is wrong with it."""


@dataclass(frozen=True)
class SheetProblems(Exception):
    sheet: str
    problems: list[str]


@dataclass(frozen=True)
class ParsedSheet:
    sheet: str
    rows: list[dict]  # one dict per row: "row" (its number in the sheet) and the fields
    ignored_columns: list[str]


def _shown(value) -> str:
    return str(value).strip()


def _text(max_length: int) -> Callable[[object], str]:
    def parse(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).replace("\r\n", "\n").strip()
        if len(text) > max_length:
            raise CellProblem(
                _("er for lang (%(length)d tegn, høyst %(max)d)")
                % {"length": len(text), "max": max_length}
            )
        return text

    return parse


LEVEL_WORDS = {"grønn": 0, "gul": 1, "oransje": 2, "rød": 3}


def _level(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # a required column: "må fylles ut"
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        word = value.strip().casefold().removeprefix("nivå").strip()
        number = int(word) if re.fullmatch(r"[0-9]", word) else LEVEL_WORDS.get(word)
    if number is None or not 0 <= number <= 3:
        raise CellProblem(
            _("må være 0, 1, 2 eller 3 (eller grønn, gul, oransje, rød), fant «%(value)s»")
            % {"value": _shown(value)}
        )
    return number


def _age(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{1,2}", value.strip()):
        number = int(value.strip())
    if number is None or not 0 <= number <= MAX_AGE:
        raise CellProblem(
            _("må være et heltall mellom 0 og %(max)d, fant «%(value)s»")
            % {"max": MAX_AGE, "value": _shown(value)}
        )
    return number


YES = {"ja", "j", "yes", "x"}
NO = {"nei", "n", "no"}


def _yes_no(value) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in YES:
        return True
    if isinstance(value, str) and value.strip().casefold() in NO:
        return False
    raise CellProblem(
        _("må være «ja» eller «nei», eller stå tom, fant «%(value)s»") % {"value": _shown(value)}
    )


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    parse: Callable[[object], object]
    required: bool = False  # the cell must be filled in (the column must always be there)
    synonyms: tuple[str, ...] = ()


COLUMNS = (
    Column("key", "ID", _text(50), required=True),
    Column("name", "Navn", _text(200), required=True, synonyms=("Tiltak",)),
    Column("description", "Beskrivelse", _text(5000)),
    Column("level", "Nivå", _level, required=True),
    Column("age_from", "Alder fra", _age),
    Column("age_to", "Alder til", _age),
    Column("provider", "Tilbys av", _text(200), synonyms=("Tilbyder", "Tjeneste")),
    Column("contact", "Kontakt", _text(500), synonyms=("Kontaktinformasjon",)),
    Column("referral_required", "Henvisning", _yes_no, synonyms=("Krever henvisning",)),
)
FIELD_LABELS = {c.field: c.label for c in COLUMNS}


def _header_name(value) -> str:
    """How headers are compared: case, spacing and a remark in brackets ("Nivå (0–3)") do not
    matter."""
    text = re.sub(r"\s*\([^()]*\)\s*$", "", str(value or ""))
    return " ".join(text.casefold().split())


HEADERS = {
    _header_name(name): column for column in COLUMNS for name in (column.label, *column.synonyms)
}


def check_upload(*, name: str, data: bytes) -> None:
    """Refuse anything but a plain .xlsx of at most 5 MB, before a parser sees it."""
    if len(data) > MAX_UPLOAD_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        raise UploadRefused(
            _("Fila er for stor (%(size)s MB). Største tillatte størrelse er 5 MB.")
            % {"size": size}
        )
    if not data:
        raise UploadRefused(_("Fila er tom."))
    lower = name.lower()
    if lower.endswith((".xlsm", ".xltm", ".xlam")):
        raise UploadRefused(
            _(
                "Regneark med makroer (.xlsm) tas ikke imot. Lagre fila som «Excel-arbeidsbok "
                "(.xlsx)» og last den opp på nytt."
            )
        )
    if data.startswith(OLE_MAGIC):
        raise UploadRefused(
            _(
                "Dette er det gamle Excel-formatet (.xls). Lagre fila som «Excel-arbeidsbok "
                "(.xlsx)» og last den opp på nytt."
            )
        )
    if not lower.endswith(".xlsx") or not data.startswith(ZIP_MAGIC):
        raise UploadRefused(_("Fila må være et Excel-regneark (.xlsx)."))
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            content_types = (
                archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise UploadRefused(
            _("Fila kan ikke åpnes som Excel-regneark (.xlsx). Den kan være skadet.")
        ) from exc
    if "xl/workbook.xml" not in names or not content_types:
        raise UploadRefused(_("Fila må være et Excel-regneark (.xlsx)."))
    if any(n.lower().endswith("vbaproject.bin") for n in names) or (
        b"macroenabled" in content_types.lower()
    ):
        raise UploadRefused(
            _(
                "Regnearket inneholder makroer, og tas ikke imot. Lagre fila som «Excel-arbeidsbok "
                "(.xlsx)» uten makroer og last den opp på nytt."
            )
        )
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise UploadRefused(_("Fila pakkes ut til altfor mye data til å være en tiltaksoversikt."))


def _open_sheet(data: bytes):
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UploadRefused(
            _("Fila kan ikke åpnes som Excel-regneark (.xlsx). Den kan være skadet.")
        ) from exc
    sheets = workbook.worksheets
    if not sheets:
        workbook.close()
        raise UploadRefused(_("Regnearket har ingen ark."))
    named = [ws for ws in sheets if ws.title.strip().casefold() == "tiltak"]
    return workbook, (named or sheets)[0]


def read_catalogue(*, name: str, data: bytes) -> ParsedSheet:
    """The rows of the sheet «Tiltak» (or the first sheet), or SheetProblems naming every bad
    cell. Raises UploadRefused for what is not a plain .xlsx."""
    check_upload(name=name, data=data)
    workbook, sheet = _open_sheet(data)
    try:
        return _read_rows(sheet.title, sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _read_rows(sheet: str, values_by_row) -> ParsedSheet:
    problems: list[str] = []
    lines = enumerate(values_by_row, start=1)
    found = None
    for number, values in lines:
        if number > HEADER_SEARCH_ROWS:
            break
        if any(_header_name(v) in HEADERS for v in values if v is not None):
            found = number, values
            break
    if found is None:
        raise SheetProblems(
            sheet,
            [
                _("Fant ikke overskriftsraden. Den første raden skal ha kolonnene %(columns)s.")
                % {"columns": ", ".join(f"«{c.label}»" for c in COLUMNS)}
            ],
        )
    header_row, header = found
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    for index, value in enumerate(header):
        if value is None or not str(value).strip():
            continue
        column = HEADERS.get(_header_name(value))
        if column is None:
            ignored.append(str(value).strip())
        elif column.field in positions:
            problems.append(
                _("Rad %(row)d: kolonnen «%(column)s» står mer enn én gang i overskriftsraden.")
                % {"row": header_row, "column": column.label}
            )
        else:
            positions[column.field] = index
            labels[column.field] = str(value).strip()
    for column in COLUMNS:
        if column.field not in positions:
            labels[column.field] = column.label
            if column.required:
                problems.append(
                    _("Rad %(row)d: kolonnen «%(column)s» mangler i overskriftsraden.")
                    % {"row": header_row, "column": column.label}
                )
    if problems:
        raise SheetProblems(sheet, problems)

    rows: list[dict] = []
    seen_keys: dict[str, int] = {}
    for number, values in lines:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(
                _("Arket har mer enn %(max)d rader med tiltak; del det opp.") % {"max": MAX_ROWS}
            )
            break
        row: dict = {"row": number}
        for column in COLUMNS:
            index = positions.get(column.field)
            value = values[index] if index is not None and index < len(values) else None
            where = _("Rad %(row)d, kolonne «%(column)s»") % {
                "row": number,
                "column": labels[column.field],
            }
            try:
                parsed = column.parse(value)
            except CellProblem as exc:
                problems.append(f"{where}: {exc}")
                parsed = None
            else:
                if column.required and parsed in ("", None):
                    problems.append(f"{where}: {_('må fylles ut')}")
            row[column.field] = parsed
        key = row["key"]
        if key:
            if key in seen_keys:
                problems.append(
                    _("Rad %(row)d, kolonne «%(column)s»: «%(key)s» er brukt før, i rad %(first)d")
                    % {"row": number, "column": labels["key"], "key": key, "first": seen_keys[key]}
                )
            else:
                seen_keys[key] = number
        low, high = row["age_from"], row["age_to"]
        if low is not None and high is not None and low > high:
            problems.append(
                _(
                    "Rad %(row)d, kolonne «%(column)s»: kan ikke være lavere enn «%(other)s» "
                    "(%(low)d), fant «%(high)d»"
                )
                % {
                    "row": number,
                    "column": labels["age_to"],
                    "other": labels["age_from"],
                    "low": low,
                    "high": high,
                }
            )
        rows.append(row)
    if not rows and not problems:
        problems.append(_("Arket har ingen rader med tiltak under overskriftsraden."))
    if problems:
        if len(problems) > MAX_PROBLEMS:
            rest = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], _("… og %(rest)d feil til.") % {"rest": rest}]
        raise SheetProblems(sheet, problems)
    return ParsedSheet(sheet=sheet, rows=rows, ignored_columns=ignored)
