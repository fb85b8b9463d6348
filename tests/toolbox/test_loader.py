import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from toolbox.loader import ToolboxFileError, normalise_name, parse_toolbox_file
from toolbox.models import Tool, Toolbox, ToolGroup
from toolbox.services import toolbox_load

from .conftest import TOOLBOXES, write

# The 13 tools of Øvre Eiker's verktøykasse (seed 000): risk and protective factors has two parts.
OVRE_EIKER_TOOLS = {
    1: "Barn og unges signaler på mulig mistrivsel",
    2: "Risiko- og beskyttelsesfaktorer, del 1: barnet og familien",
    3: "Risiko- og beskyttelsesfaktorer, del 2: oppvekstmiljøet",
    4: "Undringssamtale med barn",
    5: "Undringssamtale med voksne",
    6: "Veiledning for samarbeidsmøter",
    7: "Den nødvendige samtalen",
    8: "Undringsskjemaer",
    9: "Samtykkeskjema for alle tjenester",
    10: "Bekymringsmelding til barnevernet",
    11: "Vold i nære relasjoner – guide og rutiner for ansatte",
    12: "Bekymringsskala barn",
    13: "Bekymringsskala voksne",
}

MINIMAL = """\
[toolbox]
slug = "testby"
municipality = "Testby kommune"
name = "Verktøykasse"
municipality_number = "9990"

[[groups]]
key = "skjemaer"
title = "Skjemaer"

[[tools]]
number = 1
slug = "undringsskjema"
title = "Undringsskjema"
group = "skjemaer"
levels = [0]
summary = "Skriv ned det du ser."
aliases = ["Undringsnotat"]

[[tools.sections]]
heading = "Hva det er"
text = "Et skjema."

[[tools]]
number = 2
slug = "bekymringsskala"
title = "Bekymringsskala"
group = "skjemaer"
levels = [0, 1]
summary = "Hvor bekymret er du?"

[[tools.sections]]
heading = "Hva det er"
text = "En skala."

[[tools.scale]]
value = 1
label = "Litt bekymret"
description = "Observer."

[[tools.scale]]
value = 2
label = "Svært bekymret"
description = "Drøft med leder."

[[tools.factors]]
kind = "risk"
group = "I familien"
items = ["Vanskelig økonomi"]
"""


@pytest.mark.django_db
def test_ovre_eiker_loads_all_thirteen_tools():
    toolbox = toolbox_load(path=TOOLBOXES / "ovre-eiker.toml")

    assert toolbox.municipality_name == "Øvre Eiker kommune"
    assert toolbox.municipality.number == "3314"  # the file's municipality_number
    assert dict(toolbox.tools.values_list("number", "title")) == OVRE_EIKER_TOOLS
    assert toolbox.groups.count() == 4
    for tool in Tool.objects.all():
        assert tool.summary and tool.sections, tool
        assert tool.levels and set(tool.levels) <= {0, 1, 2, 3}, tool
        assert all(s["heading"] and s["text"] for s in tool.sections), tool


@pytest.mark.django_db
def test_worry_scales_and_factor_lists_carry_their_structure(toolbox):
    for slug in ("bekymringsskala-barn", "bekymringsskala-voksne"):
        steps = Tool.objects.get(slug=slug).scale_steps
        assert [s.value for s in steps] == [1, 2, 3, 4]
        assert [s.label for s in steps] == [
            "Litt bekymret", "Noe bekymret", "Ganske bekymret", "Svært bekymret"
        ]  # fmt: skip
        assert all(s.description for s in steps)
    for slug in ("risiko-og-beskyttelsesfaktorer-del-1", "risiko-og-beskyttelsesfaktorer-del-2"):
        groups = Tool.objects.get(slug=slug).factor_groups
        assert {g.kind for g in groups} == {"risk", "protective"}
        assert all(g.title and g.items for g in groups)


@pytest.mark.django_db
def test_the_scale_matches_the_worry_levels_of_the_undring_form(toolbox):
    # A case form can offer the scale's steps as the undring's worry choices.
    from cases.models import Concern

    steps = Tool.objects.get(slug="bekymringsskala-barn").scale_steps
    assert [(s.value, s.label) for s in steps] == [
        (value, str(label)) for value, label in Concern.Worry.choices
    ]


@pytest.mark.django_db
def test_loading_again_replaces_the_toolbox_instead_of_duplicating(tmp_path):
    path = write(tmp_path, MINIMAL)
    toolbox_load(path=path)
    toolbox_load(path=path)
    changed = write(tmp_path, MINIMAL.replace('title = "Bekymringsskala"', 'title = "Skala"'))
    toolbox = toolbox_load(path=changed)

    assert Toolbox.objects.count() == 1
    assert ToolGroup.objects.count() == 1
    assert list(Tool.objects.values_list("number", "title")) == [
        (1, "Undringsskjema"),
        (2, "Skala"),
    ]
    assert len(toolbox.file_sha256) == 64


@pytest.mark.django_db
def test_another_municipalitys_file_is_that_municipalitys_toolbox(tmp_path, toolbox):
    """Each municipality has its own: Testby's file (kommunenummer 9990) gives Testby a
    toolbox and leaves Øvre Eiker's as it was; loading Testby's again replaces only its own."""
    toolbox_load(path=write(tmp_path, MINIMAL))
    toolbox_load(path=write(tmp_path, MINIMAL.replace('title = "Bekymringsskala"', 'title = "S"')))

    by_number = dict(Toolbox.objects.values_list("municipality__number", "slug"))
    assert by_number == {"3314": "ovre-eiker", "9990": "testby"}
    assert Tool.objects.filter(toolbox=toolbox).count() == 13
    assert list(Tool.objects.filter(toolbox__slug="testby").values_list("title", flat=True)) == [
        "Undringsskjema",
        "S",
    ]


# Each malformed file: (the change, the line the error must name, words in the message)
MALFORMED = {
    "toml syntax": (
        MINIMAL.replace('name = "Verktøykasse"', 'name = "Verktøykasse'),
        4,
        "ugyldig TOML",
    ),
    "missing required key": (
        MINIMAL.replace('summary = "Skriv ned det du ser."\n', ""),
        11,
        r"tools\[0\]\.summary».*mangler",
    ),
    "empty text": (
        MINIMAL.replace('text = "En skala."', 'text = "  "'),
        34,
        r"tools\[1\]\.sections\[0\]\.text».*tom",
    ),
    "wrong type": (
        MINIMAL.replace("number = 2", 'number = "2"'),
        25,
        r"tools\[1\]\.number».*heltall",
    ),
    "unknown key (typo)": (
        MINIMAL.replace('summary = "Hvor', 'sumary = "Hvor'),
        30,
        r"tools\[1\]\.sumary».*ukjent nøkkel",
    ),
    "unknown group": (
        MINIMAL.replace('group = "skjemaer"\nlevels = [0, 1]', 'group = "andre"\nlevels = [0, 1]'),
        28,
        "gruppene skjemaer, fant «andre»",
    ),
    "level outside the traffic light": (
        MINIMAL.replace("levels = [0, 1]", "levels = [0, 4]"),
        29,
        r"levels\[1\]».*0, 1, 2 eller 3",
    ),
    "duplicate number": (
        MINIMAL.replace("number = 2", "number = 1"),
        25,
        "nummer 1 finnes allerede",
    ),
    "bad slug": (
        MINIMAL.replace('slug = "bekymringsskala"', 'slug = "Bekymrings skala"'),
        26,
        "slug",
    ),
    "name used by two tools": (
        MINIMAL.replace('title = "Bekymringsskala"', 'title = "Undringsnotat"'),
        27,
        "«Undringsnotat» er allerede brukt i tools\\[0\\]\\.aliases\\[0\\]",
    ),
    "alias differs only in case and spacing": (
        MINIMAL.replace('aliases = ["Undringsnotat"]', 'aliases = ["undringsskjema "]'),
        18,
        "allerede brukt i tools\\[0\\]\\.title",
    ),
    "scale values out of order": (
        MINIMAL.replace("value = 2", "value = 0"),
        42,
        "stigende rekkefølge",
    ),
    "unknown factor kind": (
        MINIMAL.replace('kind = "risk"', 'kind = "fare"'),
        47,
        r"factors\[0\]\.kind».*fant «fare»",
    ),
    "empty factor list": (
        MINIMAL.replace('items = ["Vanskelig økonomi"]', "items = []"),
        49,
        "minst én faktor",
    ),
    "tool without sections": (
        MINIMAL.replace('[[tools.sections]]\nheading = "Hva det er"\ntext = "Et skjema."\n', ""),
        11,
        r"tools\[0\]\.sections».*mangler",
    ),
    "unknown table": (MINIMAL + "\n[extra]\nfoo = 1\n", 51, "ukjent tabell"),
    "duplicate slug": (
        MINIMAL.replace('slug = "bekymringsskala"', 'slug = "undringsskjema"'),
        26,
        "kortnavnet «undringsskjema» er brukt før",
    ),
}


def problems_of(path):
    with pytest.raises(ToolboxFileError) as exc_info:
        parse_toolbox_file(path)
    assert str(path) in str(exc_info.value), "the error must name the file"
    return exc_info.value.problems


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_malformed_file_names_line_key_and_problem(tmp_path, case):
    text, line, pattern = MALFORMED[case]
    problems = problems_of(write(tmp_path, text))

    joined = "\n".join(problems)
    assert re.search(rf"linje {line}\b", joined), joined
    assert re.search(pattern, joined), joined


def test_the_minimal_file_is_valid(tmp_path):
    doc = parse_toolbox_file(write(tmp_path, MINIMAL))
    assert [t["slug"] for t in doc["tools"]] == ["undringsskjema", "bekymringsskala"]


def test_every_problem_is_reported_at_once(tmp_path):
    text = MINIMAL.replace("levels = [0]", "levels = [7]").replace('kind = "risk"', 'kind = "x"')
    assert len(problems_of(write(tmp_path, text))) == 2


@pytest.mark.django_db
def test_failed_load_leaves_the_database_as_it_was(tmp_path, toolbox):
    before = list(Tool.objects.values_list("slug", "title", "sections"))
    broken = write(
        tmp_path,
        MINIMAL.replace('slug = "testby"', 'slug = "ovre-eiker"').replace(
            "levels = [0]", "levels = [9]"
        ),
    )

    with pytest.raises(CommandError) as exc_info:
        call_command("load_toolbox", str(broken))

    assert str(broken) in str(exc_info.value)
    assert re.search(r"linje 16, «tools\[0\]\.levels\[0\]»", str(exc_info.value))
    assert list(Tool.objects.values_list("slug", "title", "sections")) == before
    assert Toolbox.objects.get().municipality_name == "Øvre Eiker kommune"


@pytest.mark.django_db
def test_database_error_midway_rolls_back_everything(tmp_path, toolbox, monkeypatch):
    before = list(Tool.objects.values_list("slug", "title"))

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Tool.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        toolbox_load(path=TOOLBOXES / "ovre-eiker.toml")

    assert list(Tool.objects.values_list("slug", "title")) == before
    assert ToolGroup.objects.count() == 4


@pytest.mark.django_db
def test_command_reports_what_it_loaded(capsys):
    call_command("load_toolbox", str(TOOLBOXES / "ovre-eiker.toml"))
    assert "Øvre Eiker kommune" in capsys.readouterr().out


def test_names_are_compared_without_case_spacing_or_a_trailing_remark():
    assert normalise_name("Samtykkeskjema for alle tjenester (evt., om saken skal drøftes)") == (
        normalise_name("samtykkeskjema  for alle tjenester")
    )
    assert normalise_name("Risiko- og beskyttelsesfaktorer del 1") != normalise_name(
        "Risiko- og beskyttelsesfaktorer del 2"
    )
