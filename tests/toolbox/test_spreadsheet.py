"""Reading the catalogue spreadsheet: what is refused before parsing, and every bad cell named."""

import io
import zipfile

import pytest

from toolbox.examples import EXAMPLE_ROWS, example_workbook
from toolbox.spreadsheet import (
    MAX_UPLOAD_BYTES,
    SheetProblems,
    UploadRefused,
    check_upload,
    read_catalogue,
)

HEADER = [
    "ID", "Navn", "Beskrivelse", "Nivå", "Alder fra", "Alder til", "Tilbys av", "Kontakt",
    "Henvisning",
]  # fmt: skip
GOOD = [
    ("T-1", "Helsestasjon", "For alle.", 0, 0, 5, "Helsestasjonen", "", "nei"),
    ("T-2", "PPT", "", "2", "", "", "PP-tjenesten", "", "ja"),
    ("T-3", "Barneteam", "Grensesaker.", "oransje", None, None, "", "Via familiehjelpa", None),
]


def problems(data: bytes) -> list[str]:
    with pytest.raises(SheetProblems) as exc_info:
        read_catalogue(name="tiltak.xlsx", data=data)
    return exc_info.value.problems


def refused(name: str, data: bytes) -> str:
    with pytest.raises(UploadRefused) as exc_info:
        check_upload(name=name, data=data)
    return str(exc_info.value)


def test_a_good_file_gives_every_row_with_its_number():
    parsed = read_catalogue(name="tiltak.xlsx", data=example_workbook(GOOD))

    assert parsed.sheet == "Tiltak"
    assert parsed.ignored_columns == []
    assert [r["row"] for r in parsed.rows] == [2, 3, 4]
    assert parsed.rows[0] == {
        "row": 2,
        "key": "T-1",
        "name": "Helsestasjon",
        "description": "For alle.",
        "level": 0,
        "age_from": 0,
        "age_to": 5,
        "provider": "Helsestasjonen",
        "contact": "",
        "referral_required": False,
    }
    assert (parsed.rows[1]["level"], parsed.rows[1]["referral_required"]) == (2, True)
    assert parsed.rows[1]["age_from"] is None
    assert (parsed.rows[2]["level"], parsed.rows[2]["referral_required"]) == (2, None)


def test_the_example_spreadsheet_is_valid():
    parsed = read_catalogue(name="eksempel.xlsx", data=example_workbook())
    assert len(parsed.rows) == len(EXAMPLE_ROWS) >= 12
    assert {r["level"] for r in parsed.rows} == {0, 1, 2, 3}


def test_every_bad_cell_is_named_with_row_column_and_what_is_wrong():
    rows = [
        ("T-1", "Helsestasjon", "", 0, 0, 5, "", "", "nei"),
        ("T-2", "", "", 1, 6, 16, "", "", ""),  # no name
        ("T-3", "PPT", "", "lilla", 0, 0, "", "", ""),  # bad level
        ("T-4", "Team", "", 1, 12, 6, "", "", ""),  # ages upside down
        ("T-5", "Klubb", "", 0, "ti", 30, "", "", "kanskje"),  # two bad ages, bad yes/no
        ("T-1", "Igjen", "", 0, None, None, "", "", ""),  # duplicate ID
        ("", "Uten ID", "", None, None, None, "", "", ""),  # no ID, no level
    ]
    found = problems(example_workbook(rows))

    assert found == [
        "Rad 3, kolonne «Navn»: må fylles ut",
        "Rad 4, kolonne «Nivå»: må være 0, 1, 2 eller 3 (eller grønn, gul, oransje, rød), "
        "fant «lilla»",
        "Rad 5, kolonne «Alder til»: kan ikke være lavere enn «Alder fra» (12), fant «6»",
        "Rad 6, kolonne «Alder fra»: må være et heltall mellom 0 og 24, fant «ti»",
        "Rad 6, kolonne «Alder til»: må være et heltall mellom 0 og 24, fant «30»",
        "Rad 6, kolonne «Henvisning»: må være «ja» eller «nei», eller stå tom, fant «kanskje»",
        "Rad 7, kolonne «ID»: «T-1» er brukt før, i rad 2",
        "Rad 8, kolonne «ID»: må fylles ut",
        "Rad 8, kolonne «Nivå»: må fylles ut",
    ]


def test_missing_and_duplicated_columns_are_named():
    header = ["ID", "Navn", "Beskrivelse", "Beskrivelse"]
    found = problems(example_workbook([("T-1", "A", "", "")], header=header))
    assert found == [
        "Rad 1: kolonnen «Beskrivelse» står mer enn én gang i overskriftsraden.",
        "Rad 1: kolonnen «Nivå» mangler i overskriftsraden.",
    ]


def test_a_sheet_without_a_header_row_is_explained():
    found = problems(example_workbook([("a", "b")], header=["Tjenester i kommunen", "Merknad"]))
    assert found[0].startswith("Fant ikke overskriftsraden.")


def test_headers_are_found_below_a_title_and_compared_loosely():
    header = ["id", " NAVN ", "Nivå (0–3)", "Tilbyder", "Merknad"]
    data = example_workbook([("T-1", "Helsestasjon", 0, "Helsestasjonen", "intern")], header=header)
    parsed = read_catalogue(name="tiltak.xlsx", data=data)
    assert parsed.rows[0]["provider"] == "Helsestasjonen"
    assert parsed.ignored_columns == ["Merknad"]


def test_the_sheet_named_tiltak_is_read_before_the_first():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Forside"
    workbook.active.append(["Velkommen"])
    sheet = workbook.create_sheet("Tiltak")
    sheet.append(HEADER)
    sheet.append(list(GOOD[0]))
    out = io.BytesIO()
    workbook.save(out)

    parsed = read_catalogue(name="tiltak.xlsx", data=out.getvalue())
    assert parsed.sheet == "Tiltak" and parsed.rows[0]["key"] == "T-1"


def test_an_empty_sheet_is_refused():
    assert problems(example_workbook([])) == [
        "Arket har ingen rader med tiltak under overskriftsraden."
    ]


def test_blank_rows_are_skipped_and_numbers_are_the_sheets():
    data = example_workbook([GOOD[0], (None,) * 9, GOOD[1]])
    assert [r["row"] for r in read_catalogue(name="t.xlsx", data=data).rows] == [2, 4]


# --- Refused before parsing ---------------------------------------------------------------------


def test_too_big_is_refused():
    message = refused("tiltak.xlsx", b"PK\x03\x04" + b"0" * MAX_UPLOAD_BYTES)
    assert message.startswith("Fila er for stor (5,0 MB).")


def test_not_a_zip_is_refused():
    assert (
        refused("tiltak.xlsx", b"ID;Navn;Niva\n1;PPT;2\n")
        == "Fila må være et Excel-regneark (.xlsx)."
    )


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hei")
    assert refused("tiltak.xlsx", out.getvalue()) == "Fila må være et Excel-regneark (.xlsx)."


def test_a_broken_zip_is_refused():
    data = example_workbook(GOOD)[:500]
    assert "kan ikke åpnes" in refused("tiltak.xlsx", data)


def test_macro_workbooks_are_refused_by_name_and_by_content():
    assert "makroer (.xlsm)" in refused("tiltak.xlsm", example_workbook(GOOD))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(example_workbook(GOOD))) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00macro")
    assert "inneholder makroer" in refused("tiltak.xlsx", out.getvalue())


def test_the_old_xls_format_and_other_names_are_refused():
    assert "gamle Excel-formatet" in refused(
        "tiltak.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100
    )
    assert (
        refused("tiltak.csv", example_workbook(GOOD)) == "Fila må være et Excel-regneark (.xlsx)."
    )


def test_a_zip_bomb_is_refused():
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(example_workbook(GOOD))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/media/padding.bin", b"\x00" * (70 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < MAX_UPLOAD_BYTES
    assert "altfor mye data" in refused("tiltak.xlsx", data)
