import pytest

from bts.csv import csv_bytes, neutralise


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+47 123", "'+47 123"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Kari Nordmann", "Kari Nordmann"),
        ("a=b", "a=b"),
        (12, "12"),
        (None, ""),
    ],
)
def test_formula_cells_are_neutralised(value, written):
    assert neutralise(value) == written


def test_the_file_opens_right_in_a_norwegian_spreadsheet():
    data = csv_bytes(["Hvem", "Hva"], [["Åse Øvreås", "=1+1"], ["Bjørn", "lest; endret"]])
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["Hvem;Hva", "Åse Øvreås;'=1+1", 'Bjørn;"lest; endret"']
