from pathlib import Path

import pytest

from tests.conftest import ROOT
from toolbox.examples import example_workbook
from toolbox.services import toolbox_load

TOOLBOXES = ROOT / "fixtures" / "verktoy"


@pytest.fixture
def toolbox(db):
    """Øvre Eiker's toolbox, loaded from the real fixture file."""
    return toolbox_load(path=TOOLBOXES / "ovre-eiker.toml")


@pytest.fixture
def xlsx():
    """Build an .xlsx in memory: `xlsx(rows, header=None, sheet="Tiltak")`."""
    return example_workbook


def write(tmp_path: Path, text: str, name: str = "testby.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
