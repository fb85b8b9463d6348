import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from levels.loader import GuideFileError, load_guide, parse_guide_file
from levels.models import AcuteContact, Guide, Level, Step
from tests.conftest import GUIDES

OVRE_EIKER_STEPS = [
    "0.1", "0.2", "0.3", "0.4",
    "1.1", "1.2", "1.3", "1.4", "1.5",
    "2.1", "2.2", "2.3", "2.4", "2.5",
    "3.1", "3.2", "3.3", "3.5",
]  # fmt: skip

MINIMAL = """\
[guide]
slug = "testby"
municipality = "Testby kommune"
municipality_number = "3314"
name = "Handlingsveileder"
model = "BTI"

[acute]
title = "Akutt?"
text = "Meld til barnevernet."

[[acute.contacts]]
name = "Barnevern"
phone = "12 34 56 78"

[[levels]]
number = 0
title = "Undring"
summary = "Allmenne tjenester."
colour = "green"

[[levels.steps]]
code = "0.1"
title = "Undring oppstår"
what_to_do = "Skriv ned det du ser."
responsible = "Den som undrer seg."
decision = true

[levels.decision]
to_levels = [1]

[[levels]]
number = 1
title = "Tiltak"
summary = "Egen tjeneste."
colour = "yellow"

[[levels.steps]]
code = "1.1"
title = "Møte"
what_to_do = "Inviter foresatte."
responsible = "Oppfølgingsansvarlig."
tools = ["Møtemal"]
decision = true

[levels.decision]
to_levels = [1]
taken_by = "leader"

[[meeting_kinds]]
code = "samarbeidsmote"
name = "Samarbeidsmøte"
"""


def write(tmp_path: Path, text: str, name: str = "testby.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(GuideFileError) as exc_info:
        parse_guide_file(path)
    assert str(path) in str(exc_info.value), "the error must name the file"
    return exc_info.value.problems


@pytest.mark.django_db
def test_ovre_eiker_loads_every_step_of_the_seed():
    guide = load_guide(GUIDES / "ovre-eiker.toml")

    assert guide.is_active
    assert (guide.municipality.number, guide.municipality.name) == ("3314", "Øvre Eiker kommune")
    assert list(guide.levels.values_list("number", flat=True)) == [0, 1, 2, 3]
    assert (
        list(Step.objects.filter(level__guide=guide).values_list("code", flat=True))
        == OVRE_EIKER_STEPS
    )
    decisions = Step.objects.filter(level__guide=guide, is_decision=True)
    assert sorted(decisions.values_list("code", flat=True)) == ["0.4", "1.4", "2.4", "3.5"]
    assert list(guide.levels.values_list("colour", flat=True)) == [
        "green", "yellow", "orange", "red"
    ]  # fmt: skip
    phones = set(guide.acute_contacts.values_list("phone", flat=True))
    assert {"476 63 707", "476 92 052", "112"} <= phones
    step = Step.objects.get(level__guide=guide, code="1.2")
    assert step.title == "Samarbeidsmøte med foresatte"
    assert step.responsible and step.what_to_do


@pytest.mark.django_db
def test_vestby_loads_with_no_code_change_and_becomes_the_active_guide():
    ovre_eiker = load_guide(GUIDES / "ovre-eiker.toml")
    vestby = load_guide(GUIDES / "vestby.toml")

    assert (vestby.municipality.number, vestby.municipality.name) == ("3216", "Vestby kommune")
    assert vestby.model == Guide.Model.BTI
    # Each municipality has its own guide in use.
    assert set(Guide.objects.filter(is_active=True)) == {ovre_eiker, vestby}
    assert Guide.objects.count() == 2
    # A municipality that takes Vestby's guide as its own: it replaces the one in use there,
    # and Vestby keeps its own.
    adopted = load_guide(GUIDES / "vestby.toml", municipality=ovre_eiker.municipality)
    assert adopted.pk != vestby.pk
    assert set(Guide.objects.filter(is_active=True)) == {adopted, vestby}
    assert "64 98 02 12" in vestby.acute_contacts.values_list("phone", flat=True)
    assert vestby.levels.count() == 4
    assert Step.objects.filter(level__guide=vestby).count() >= 4


@pytest.mark.django_db
def test_loading_again_replaces_the_guide_instead_of_duplicating(tmp_path):
    path = write(tmp_path, MINIMAL)
    load_guide(path)
    load_guide(path)
    changed = write(tmp_path, MINIMAL.replace('title = "Møte"', 'title = "Samarbeidsmøte"'))
    guide = load_guide(changed)

    assert Guide.objects.count() == 1
    assert Level.objects.count() == 2
    assert AcuteContact.objects.count() == 1
    assert list(Step.objects.values_list("code", "title")) == [
        ("0.1", "Undring oppstår"),
        ("1.1", "Samarbeidsmøte"),
    ]
    assert Step.objects.get(code="1.1").tools == ["Møtemal"]
    assert len(guide.file_sha256) == 64


@pytest.mark.django_db
def test_no_activate_keeps_the_current_guide(tmp_path):
    current = load_guide(GUIDES / "ovre-eiker.toml")
    other = load_guide(write(tmp_path, MINIMAL), activate=False)

    assert not other.is_active
    assert Guide.objects.get(is_active=True) == current


# Each malformed file: (what is changed, the line the error must name, words in the message)
EXTRA_STEP = (
    '[[levels.steps]]\ncode = "0.1"\ntitle = "Igjen"\nwhat_to_do = "x"\nresponsible = "y"\n\n'
)
MALFORMED = {
    "toml syntax": (MINIMAL.replace('model = "BTI"', 'model = "BTI'), 6, "ugyldig TOML"),
    "missing required key": (
        MINIMAL.replace('responsible = "Den som undrer seg."\n', ""),
        22,
        r"levels\[0\]\.steps\[0\]\.responsible».*mangler",
    ),
    "empty required text": (
        MINIMAL.replace('what_to_do = "Inviter foresatte."', 'what_to_do = "  "'),
        41,
        r"levels\[1\]\.steps\[0\]\.what_to_do».*tom",
    ),
    "wrong type": (
        MINIMAL.replace("number = 1", 'number = "1"'),
        33,
        r"levels\[1\]\.number».*heltall",
    ),
    "unknown key (typo)": (
        MINIMAL.replace('what_to_do = "Skriv', 'what_todo = "Skriv'),
        25,
        "what_todo».*ukjent nøkkel",
    ),
    "unknown colour": (
        MINIMAL.replace('colour = "yellow"', 'colour = "blue"'),
        36,
        r"levels\[1\]\.colour».*blue",
    ),
    "step code on the wrong level": (
        MINIMAL.replace('code = "1.1"', 'code = "2.1"'),
        39,
        "2.1.*nivå 1",
    ),
    "duplicate step code": (
        MINIMAL.replace("[[levels]]\nnumber = 1", EXTRA_STEP + "[[levels]]\nnumber = 1"),
        33,
        "«0.1» er brukt før",
    ),
    "gap in level numbers": (
        MINIMAL.replace("number = 1", "number = 2").replace('code = "1.1"', 'code = "2.1"'),
        33,
        "uten hull, fant 0, 2",
    ),
    "bad phone number": (
        MINIMAL.replace('phone = "12 34 56 78"', 'phone = "ring meg"'),
        14,
        "telefonnummer.*ring meg",
    ),
    "bad model": (MINIMAL.replace('model = "BTI"', 'model = "XYZ"'), 6, "guide.model».*XYZ"),
    "bad slug": (MINIMAL.replace('slug = "testby"', 'slug = "Test By"'), 2, "guide.slug"),
    "no contacts": (
        MINIMAL.replace('[[acute.contacts]]\nname = "Barnevern"\nphone = "12 34 56 78"\n', ""),
        8,
        "acute.contacts».*mangler",
    ),
    "tool that is not text": (
        MINIMAL.replace('tools = ["Møtemal"]', "tools = [3]"),
        43,
        r"tools\[0\]",
    ),
    "unknown table": (MINIMAL + "\n[extra]\nfoo = 1\n", 54, "ukjent tabell"),
    "deadline out of range": (
        MINIMAL.replace("[acute]", "[deadlines]\nlevel0_decision_days = 0\n\n[acute]"),
        9,
        r"deadlines\.level0_decision_days».*1 til 365",
    ),
    "inactivity period out of range": (
        MINIMAL.replace("[acute]", "[deadlines]\ninactive_days = 400\n\n[acute]"),
        9,
        r"deadlines\.inactive_days».*1 til 365, fant 400",
    ),
    "follow-up window upside down": (
        MINIMAL.replace(
            "[acute]", "[deadlines]\nfollow_up_min_days = 30\nfollow_up_max_days = 20\n\n[acute]"
        ),
        9,
        "kan ikke være større",
    ),
    "consent age out of range": (
        MINIMAL.replace("[acute]", "[consent]\nchild_consent_age = 30\n\n[acute]"),
        9,
        r"consent\.child_consent_age».*0 til 18 år, fant 30",
    ),
    "consent age not a number": (
        MINIMAL.replace("[acute]", '[consent]\nchild_heard_age = "sju"\n\n[acute]'),
        9,
        r"consent\.child_heard_age",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_malformed_file_names_line_key_and_problem(tmp_path, case):
    text, line, pattern = MALFORMED[case]
    problems = problems_of(write(tmp_path, text))

    assert problems, "a malformed file must be refused"
    joined = "\n".join(problems)
    assert re.search(rf"linje {line}\b", joined), joined
    assert re.search(pattern, joined), joined


# A second step on nivå 1 after its decision step (1.1), with `keys` added to the step and
# `decision` to nivå 1's [levels.decision]. The step's first extra key is on line 50; the lines
# after it move down by one per key: [levels.decision] is on line 51 + len(keys), the decision's
# added key on 54 + len(keys).
def with_step_after_decision(*keys: str, decision: str = 'closing_steps = ["1.2"]') -> str:
    step = (
        '\n[[levels.steps]]\ncode = "1.2"\ntitle = "Avslutt saken"\nwhat_to_do = "Arkiver."\n'
        'responsible = "Oppfølgingsansvarlig."\n' + "".join(f"{key}\n" for key in keys)
    )
    return MINIMAL.replace(
        'tools = ["Møtemal"]\ndecision = true\n', 'tools = ["Møtemal"]\ndecision = true\n' + step
    ).replace('taken_by = "leader"\n', f'taken_by = "leader"\n{decision}\n')


def test_the_step_after_the_decision_loads_as_a_closing_step(tmp_path):
    doc = parse_guide_file(write(tmp_path, with_step_after_decision('requires = ["consent"]')))
    level = doc["levels"][1]
    assert [s["code"] for s in level["steps"]] == ["1.1", "1.2"]
    assert level["decision"]["closing_steps"] == ["1.2"]
    assert level["steps"][1]["requires"] == ["consent"]


LEVEL_1_DECISION = 'to_levels = [1]\ntaken_by = "leader"\n'
# Rules that contradict the guide's own levels, steps and meeting kinds: (the file, the line the
# error must name, the key and words of the message).
CONTRADICTIONS = {
    "move to a level that does not exist": (
        MINIMAL.replace(LEVEL_1_DECISION, LEVEL_1_DECISION.replace("[1]", "[1, 4]")),
        47,
        r"levels\[1\]\.decision\.to_levels».*nivå 4 finnes ikke",
    ),
    "the same level twice": (
        MINIMAL.replace(LEVEL_1_DECISION, LEVEL_1_DECISION.replace("[1]", "[1, 1]")),
        47,
        r"levels\[1\]\.decision\.to_levels».*samme nivå står flere ganger",
    ),
    "level without a decision step": (
        MINIMAL.replace('tools = ["Møtemal"]\ndecision = true\n', 'tools = ["Møtemal"]\n'),
        32,
        r"levels\[1\]\.steps».*nivå 1 har ikke noe beslutningstrinn",
    ),
    "two decision steps": (
        with_step_after_decision("decision = true", decision=""),
        32,
        r"levels\[1\]\.steps».*flere beslutningstrinn: 1\.1, 1\.2",
    ),
    "closing step not in the level": (
        MINIMAL.replace(LEVEL_1_DECISION, LEVEL_1_DECISION + 'closing_steps = ["0.1"]\n'),
        49,
        r"levels\[1\]\.decision\.closing_steps».*«0\.1» er ikke et trinn på nivå 1",
    ),
    "closing step that is the decision step": (
        MINIMAL.replace(LEVEL_1_DECISION, LEVEL_1_DECISION + 'closing_steps = ["1.1"]\n'),
        49,
        r"closing_steps».*«1\.1» er nivåets beslutningstrinn",
    ),
    "the same closing step twice": (
        with_step_after_decision(decision='closing_steps = ["1.2", "1.2"]'),
        55,
        r"closing_steps».*samme trinn står flere ganger",
    ),
    "closing steps while the decision cannot close": (
        with_step_after_decision(decision='closing_steps = ["1.2"]\nclose = false'),
        55,
        r"levels\[1\]\.decision\.closing_steps».*beslutningen kan ikke avslutte saken",
    ),
    "a step after the decision step that is not a closing step": (
        with_step_after_decision(decision=""),
        47,
        r"levels\[1\]\.steps\[1\]\.code».*«1\.2» kommer etter beslutningstrinnet «1\.1»",
    ),
    "continue_to not in the level": (
        MINIMAL.replace(LEVEL_1_DECISION, LEVEL_1_DECISION + 'continue_to = "0.1"\n'),
        49,
        r"levels\[1\]\.decision\.continue_to».*«0\.1» er ikke et trinn på nivå 1",
    ),
    "continue_to the decision step": (
        MINIMAL.replace(LEVEL_1_DECISION, LEVEL_1_DECISION + 'continue_to = "1.1"\n'),
        49,
        r"continue_to».*«1\.1» er nivåets beslutningstrinn",
    ),
    "continue_to a closing step": (
        with_step_after_decision(decision='closing_steps = ["1.2"]\ncontinue_to = "1.2"'),
        56,
        r"continue_to».*«1\.2» er et avslutningstrinn",
    ),
    "continue_to where the decision cannot continue": (
        MINIMAL.replace(
            "to_levels = [1]\n\n[[levels]]", 'to_levels = [1]\ncontinue_to = "0.1"\n\n[[levels]]'
        ),
        31,
        r"levels\[0\]\.decision\.continue_to».*kan ikke fortsette på nivå 0",
    ),
    "unknown step requirement": (
        with_step_after_decision('requires = ["referat"]'),
        51,
        r"levels\[1\]\.steps\[1\]\.requires».*ukjent krav «referat»",
    ),
    "requirement that is not a list": (
        with_step_after_decision('requires = "checklist"'),
        51,
        r"levels\[1\]\.steps\[1\]\.requires».*skal være liste",
    ),
    "checklist required without a checklist": (
        with_step_after_decision('requires = ["checklist"]'),
        51,
        r"levels\[1\]\.steps\[1\]\.requires».*ingen «checklist»",
    ),
    "requires on a decision step": (
        MINIMAL.replace(
            'tools = ["Møtemal"]\ndecision = true\n',
            'tools = ["Møtemal"]\ndecision = true\nrequires = ["meeting"]\n',
        ),
        45,
        r"levels\[1\]\.steps\[0\]\.requires».*beslutningstrinn",
    ),
    "unknown level requirement": (
        MINIMAL.replace('colour = "yellow"', 'colour = "yellow"\nrequires = ["ip"]'),
        37,
        r"levels\[1\]\.requires».*ukjent krav «ip»",
    ),
    "step meeting_kind not among the meeting kinds": (
        with_step_after_decision('meeting_kind = "nettverksmote"'),
        51,
        r"levels\[1\]\.steps\[1\]\.meeting_kind».*«nettverksmote» finnes ikke",
    ),
    "step meeting_kind that may not be booked at the step": (
        with_step_after_decision('meeting_kind = "samarbeidsmote"') + "levels = [0]\n",
        51,
        r"meeting_kind».*«samarbeidsmote» hører ikke til nivå 1 eller trinnet «1\.2»",
    ),
    "meeting kind for an unknown step": (
        MINIMAL + 'steps = ["1.9"]\n',
        53,
        r"meeting_kinds\[0\]\.steps».*trinnet «1\.9», som ikke finnes",
    ),
    "meeting kind for an unknown level": (
        MINIMAL + "levels = [1, 5]\n",
        53,
        r"meeting_kinds\[0\]\.levels».*nivå 5, som ikke finnes",
    ),
    "meeting kind level that is not a number": (
        MINIMAL + 'levels = ["1"]\n',
        53,
        r"meeting_kinds\[0\]\.levels\[0\]».*nivånummer",
    ),
    "meeting kind levels that are not a list": (
        MINIMAL + "levels = 1\n",
        53,
        r"meeting_kinds\[0\]\.levels».*skal være liste",
    ),
    "collaboration from a level that does not exist": (
        MINIMAL.replace("[acute]", "[rules]\ncollaboration_from_level = 9\n\n[acute]"),
        9,
        r"rules\.collaboration_from_level».*nivåer over 0, fant 9",
    ),
    "collaboration from nivå 0": (
        MINIMAL.replace("[acute]", "[rules]\ncollaboration_from_level = 0\n\n[acute]"),
        9,
        r"rules\.collaboration_from_level».*nivåer over 0, fant 0",
    ),
    "unknown language": (
        MINIMAL.replace('model = "BTI"', 'model = "BTI"\nlanguage = "se"'),
        7,
        r"guide\.language».*nb, nn, fant «se»",
    ),
    "unknown taken_by": (
        MINIMAL.replace('taken_by = "leader"', 'taken_by = "rektor"'),
        48,
        r"levels\[1\]\.decision\.taken_by».*holder, holder_with_leader, leader, fant «rektor»",
    ),
    "decision line when an earlier level has no decision": (
        MINIMAL.replace("[levels.decision]\nto_levels = [1]\n\n[[levels]]", "[[levels]]").replace(
            'taken_by = "leader"', 'taken_by = "rektor"'
        ),
        45,
        r"levels\[1\]\.decision\.taken_by».*rektor",
    ),
}


@pytest.mark.parametrize("case", list(CONTRADICTIONS), ids=list(CONTRADICTIONS))
def test_rules_that_contradict_the_guide_are_refused(tmp_path, case):
    text, line, pattern = CONTRADICTIONS[case]
    problems = problems_of(write(tmp_path, text))

    joined = "\n".join(problems)
    assert any(re.search(rf"^linje {line}, .*{pattern}", p) for p in problems), joined


def test_a_requirement_that_is_not_a_list_is_reported_once_not_letter_by_letter(tmp_path):
    text, _line, _pattern = CONTRADICTIONS["requirement that is not a list"]
    problems = problems_of(write(tmp_path, text))
    assert len(problems) == 1, problems


@pytest.mark.django_db
def test_a_contradiction_leaves_the_database_as_it_was(tmp_path):
    load_guide(write(tmp_path, MINIMAL))
    before = (
        list(Guide.objects.values_list("slug", "name", "file_sha256", "is_active")),
        list(Level.objects.values_list("number", "to_levels", "decided_by")),
        list(Step.objects.values_list("code", "title", "is_decision")),
    )
    text, _line, _pattern = CONTRADICTIONS["move to a level that does not exist"]
    broken = write(tmp_path, text.replace('name = "Handlingsveileder"', 'name = "Ny veileder"'))

    with pytest.raises(CommandError, match="nivå 4 finnes ikke"):
        call_command("load_guide", str(broken))

    after = (
        list(Guide.objects.values_list("slug", "name", "file_sha256", "is_active")),
        list(Level.objects.values_list("number", "to_levels", "decided_by")),
        list(Step.objects.values_list("code", "title", "is_decision")),
    )
    assert after == before


def test_level_without_steps_is_refused(tmp_path):
    # TOML cannot express "steps = []" after [[levels.steps]] tables; build the level by hand.
    text = MINIMAL.split("[[levels]]\nnumber = 1")[0] + (
        '[[levels]]\nnumber = 1\ntitle = "Tiltak"\nsummary = "S."\ncolour = "yellow"\nsteps = []\n'
    )
    problems = problems_of(write(tmp_path, text))
    assert any("levels[1].steps" in p and "minst ett trinn" in p for p in problems), problems


def test_every_problem_is_reported_at_once(tmp_path):
    text = MINIMAL.replace('colour = "green"', 'colour = "grønn"').replace(
        'phone = "12 34 56 78"', 'phone = "x"'
    )
    problems = problems_of(write(tmp_path, text))
    assert len(problems) == 2, problems


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL.replace("Møte", "M\xf8te").encode("latin-1"))
    problems = problems_of(path)
    assert re.search(r"linje 24.*UTF-8", problems[0]), problems  # "oppstår"


def test_missing_file(tmp_path):
    problems = problems_of(tmp_path / "finnes-ikke.toml")
    assert "kan ikke leses" in problems[0]


@pytest.mark.django_db
def test_failed_load_leaves_the_database_as_it_was(tmp_path):
    good = write(tmp_path, MINIMAL)
    load_guide(good)
    before = (
        list(Guide.objects.values_list("slug", "name", "file_sha256", "is_active")),
        list(Step.objects.values_list("code", "title", "what_to_do")),
        list(AcuteContact.objects.values_list("name", "phone")),
    )
    broken = write(
        tmp_path,
        MINIMAL.replace('name = "Handlingsveileder"', 'name = "Ny veileder"').replace(
            'colour = "yellow"', 'colour = "lilla"'
        ),
    )

    with pytest.raises(CommandError) as exc_info:
        call_command("load_guide", str(broken))

    assert "lilla" in str(exc_info.value)
    assert str(broken) in str(exc_info.value)
    after = (
        list(Guide.objects.values_list("slug", "name", "file_sha256", "is_active")),
        list(Step.objects.values_list("code", "title", "what_to_do")),
        list(AcuteContact.objects.values_list("name", "phone")),
    )
    assert after == before


@pytest.mark.django_db
def test_database_error_midway_rolls_back_everything(tmp_path, monkeypatch):
    load_guide(write(tmp_path, MINIMAL))
    steps_before = list(Step.objects.values_list("code", "title"))

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Step.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        load_guide(write(tmp_path, MINIMAL.replace('title = "Møte"', 'title = "Endret"')))

    assert list(Step.objects.values_list("code", "title")) == steps_before
    assert Level.objects.count() == 2


@pytest.mark.django_db
def test_command_reports_what_it_loaded(capsys):
    call_command("load_guide", str(GUIDES / "ovre-eiker.toml"))
    out = capsys.readouterr().out
    assert "Øvre Eiker kommune" in out
    assert "4 nivåer, 18 trinn" in out


@pytest.mark.django_db
def test_deadlines_come_from_the_guide_file_with_defaults(tmp_path):
    default = load_guide(write(tmp_path, MINIMAL))
    assert (default.level0_decision_days, default.follow_up_max_days) == (14, 28)
    text = MINIMAL.replace("[acute]", "[deadlines]\nlevel0_decision_days = 10\n\n[acute]")
    guide = load_guide(write(tmp_path, text))
    assert (guide.level0_decision_days, guide.follow_up_min_days) == (10, 14)
    vestby = load_guide(GUIDES / "vestby.toml")
    assert (vestby.follow_up_min_days, vestby.follow_up_max_days) == (14, 28)


@pytest.mark.django_db
def test_the_inactivity_period_comes_from_the_deadlines_table(tmp_path):
    assert load_guide(write(tmp_path, MINIMAL)).inactive_days == 30
    text = MINIMAL.replace("[acute]", "[deadlines]\ninactive_days = 21\n\n[acute]")
    assert load_guide(write(tmp_path, text)).inactive_days == 21


@pytest.mark.django_db
def test_consent_ages_come_from_the_guide_file_with_defaults(tmp_path):
    default = load_guide(write(tmp_path, MINIMAL))
    assert (default.child_consent_age, default.child_consent_age_health) == (15, 16)
    assert default.child_heard_age == 7
    text = MINIMAL.replace("[acute]", "[consent]\nchild_consent_age = 16\n\n[acute]")
    guide = load_guide(write(tmp_path, text))
    assert (guide.child_consent_age, guide.child_consent_age_health) == (16, 16)
