"""The demo and the synthetic data follow whatever guide is loaded: every guide file in
fixtures/veiledere/ (a new file is covered by being there), and no step code or meeting kind
written into devdata's code."""

import ast
import io
import re
import tomllib
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from bts.models import Municipality
from cases.access import led_service_ids
from cases.models import (
    Case,
    Decision,
    DecisionProposal,
    Evaluation,
    Meeting,
    Minutes,
    RelayEntry,
    WideCollaboration,
)
from devdata.synthetic import seed_synthetic
from levels import rules
from levels.loader import load_guide
from levels.models import Guide, Step
from levels.selectors import active_guide
from levels.words import current_words, guide_words
from tests.conftest import GUIDES, ROOT, as_owner

pytestmark = pytest.mark.django_db

GUIDE_FILES = sorted(GUIDES.glob("*.toml"))
STEP_CODE = r"^\d+\.\d+$"


def _steps(guide: Guide) -> dict[str, Step]:
    return {s.code: s for s in Step.objects.filter(level__guide=guide).select_related("level")}


def _assert_the_cases_follow_the_guide(guide: Guide, table: rules.Table) -> None:
    """Each case at a step of its own level; closed ones after their level's closing steps (or
    at its decision step where it has none); each meeting of one of the guide's kinds; each
    decision at its level's decision step, by a move the guide allows there, taken by whom it
    says; each log line at a step of the guide on its level."""
    steps = _steps(guide)
    cases = Case.objects.filter(municipality=guide.municipality)
    for case in cases:
        assert steps[case.step_code].level.number == case.level, case
        if not case.is_open:
            rule = table.rule(case.level)
            assert case.step_code == (rule.closing_steps or (rule.decision_step,))[-1], case
    kinds = set(guide.meeting_kinds.values_list("code", flat=True))
    assert set(Meeting.objects.filter(case__in=cases).values_list("kind", flat=True)) <= kinds
    for decision in Decision.objects.filter(case__in=cases).select_related("case", "decided_by"):
        rule = table.rule(decision.from_level)
        assert decision.step_code == rule.decision_step
        assert decision.to_level in rule.to_levels
        if rule.leader_decides:
            assert decision.case.owner_service_id in led_service_ids(decision.decided_by)
        else:
            assert decision.proposed_by_id is None
        assert decision.child_view or decision.child_not_heard
    entries = RelayEntry.objects.filter(case__in=cases).exclude(step_code="")
    for level, code in entries.values_list("level", "step_code"):
        assert steps[code].level.number == level, (level, code)


@pytest.mark.parametrize("path", GUIDE_FILES, ids=lambda path: path.stem)
def test_seed_demo_walks_its_stories_through_each_guide(settings, path):
    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("seed_demo", "--guide", str(path), stdout=out)

    # The file is the first demo municipality's guide, whichever municipality it names.
    first = Municipality.objects.get(number="3314")
    guide = active_guide(first.pk)
    assert guide.slug == tomllib.loads(path.read_text())["guide"]["slug"]
    assert f"({guide.slug})" in out.getvalue()
    table = rules.table(guide)
    _assert_the_cases_follow_the_guide(guide, table)
    # The second municipality's cases follow its own guide, Fjordvik's.
    fjordvik = active_guide(Municipality.objects.get(number="4699").pk)
    assert fjordvik.slug == "fjordvik"
    _assert_the_cases_follow_the_guide(fjordvik, rules.table(fjordvik))
    cases = (
        Case.objects.filter(municipality=first)
        .exclude(owner_service__kind="familiehjelpa")
        .select_related("child")
    )
    story = {case.child.first_name: case for case in cases}
    assert set(story) == {"Emma", "Ali", "Jonas", "Sara", "Maja", "Noah"}
    first = min(table.levels)

    # Emma: the guide's first step done; Ali: past the guide's deadline for the first decision.
    assert story["Emma"].level == first and story["Emma"].step_code == table.rule(first).path[1]
    assert story["Ali"].step_code == table.rule(first).path[0]
    assert story["Ali"].decision_due < timezone.localdate()

    # Jonas: raised; the meeting the step called for held, with its referat; two measures, one
    # due for evaluation; his walk stopped where the guide asks for an evaluation.
    jonas = story["Jonas"]
    assert jonas.level > first and jonas.is_open
    assert jonas.measures.count() == 2
    assert jonas.measures.filter(evaluation_due__lt=timezone.localdate()).count() == 1
    held = Meeting.objects.filter(case=jonas, minutes__version=1)
    assert held.filter(minutes__child_voice__startswith="Jonas vil gjerne").exists()
    step = _steps(guide)[jonas.step_code]
    assert "evaluation" in step.requires or step.is_decision
    raised = jonas.decisions.get(from_level=first)
    if table.rule(first).leader_decides:
        # The holder proposed, the styrer confirmed: the log shows both.
        assert (raised.proposed_by.username, raised.decided_by.username) == ("ansatt", "leder")
        assert jonas.proposals.get().status == DecisionProposal.Status.CONFIRMED
    else:
        assert (raised.proposed_by, raised.decided_by.username) == (None, "ansatt")

    # Sara: two levels up at the school, with the health station in under consent.
    sara = story["Sara"]
    assert sara.decisions.count() == 2 and sara.level > jonas.level
    assert sara.level >= table.collaboration_from_level
    assert sara.involvements.filter(service__name="Helsestasjon og skolehelsetjeneste").exists()
    assert sara.coordinations.get().service == sara.owner_service

    # Maja: measures evaluated, then closed, through the guide's closing step where it has one.
    maja = story["Maja"]
    assert not maja.is_open
    assert maja.measures.filter(evaluations__outcome=Evaluation.Outcome.END).exists()
    close = maja.decisions.get(to_level=None)
    assert guide_words(guide).concern_definite in close.reason
    closing = table.rule(maja.level).closing_steps
    if any(rule.closing_steps for rule in table.levels.values()):
        assert closing, "the demo closes on a level with closing steps"
    for code in closing:
        assert maja.relay_entries.filter(kind=RelayEntry.Kind.STEP_DONE, step_code=code).exists()

    # Noah: waiting for the leader where the guide has the leader take a decision.
    noah = story["Noah"]
    pending = noah.proposals.filter(status=DecisionProposal.Status.PENDING)
    if any(rule.leader_decides for rule in table.levels.values()):
        assert pending.get().proposed_by.username == "ansatt"
        assert noah.step_code == table.rule(noah.level).decision_step
    else:
        assert not pending.exists()

    # Every referat the walk wrote is for a meeting that had begun.
    assert not Minutes.objects.filter(meeting__starts_at__gt=timezone.now()).exists()


@pytest.mark.parametrize("path", GUIDE_FILES, ids=lambda path: path.stem)
def test_seed_synthetic_follows_each_guide(path):
    guide = load_guide(path)
    with as_owner():
        counts = seed_synthetic(cases=150, seed=7, now=datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    assert counts["cases_case"] == 150
    guide = active_guide()
    table = rules.table(guide)
    _assert_the_cases_follow_the_guide(guide, table)
    # Cases at every level a decision can reach; closed ones and open ones.
    levels = set(Case.objects.values_list("level", flat=True))
    assert levels == set(table.levels) and Case.objects.filter(status="closed").exists()
    # Each case's decisions go one allowed move after another from the first level.
    for case in Case.objects.filter(level__gt=min(table.levels))[:40]:
        moves = list(case.decisions.order_by("decided_at").values_list("from_level", "to_level"))
        assert moves[0][0] == min(table.levels)
        assert all(a[1] == b[0] for a, b in pairwise(moves))
        if case.is_open:
            assert moves[-1][1] == case.level
        else:
            assert moves[-1] == (case.level, None)
    # Where a step on the way needed a referat, the case's meeting of that kind has one.
    steps = _steps(guide)
    needing = [s for s in steps.values() if "minutes" in s.requires and s.meeting_kind]
    for step in needing:
        past = Case.objects.filter(
            Q(level__gt=step.level.number) | Q(status="closed", level=step.level.number)
        ).filter(decisions__from_level=step.level.number)
        for case in past[:10]:
            assert case.meetings.filter(kind=step.meeting_kind, minutes__isnull=False).exists()
    # The guide's words in what the data says, and its offers where it asks for them.
    words = current_words()
    opened = RelayEntry.objects.filter(kind=RelayEntry.Kind.OPENED).first()
    assert opened.text.startswith(words.Concern)
    offering = table.levels_requiring("offers")
    assert set(WideCollaboration.objects.values_list("case__level", flat=True).distinct()) <= set(
        offering
    )


def _string_literals(path: Path) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _named_in(path: Path, kinds: set[str]) -> list[str]:
    """The string literals of a file that are a step code or one of these meeting kinds."""
    return [
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{line}: {value!r}"
        for line, value in _string_literals(path)
        if re.match(STEP_CODE, value.strip()) or value.strip() in kinds
    ]


def test_devdata_names_no_step_code_and_no_meeting_kind():
    kinds = {
        kind["code"]
        for path in GUIDE_FILES
        for kind in tomllib.loads(path.read_text()).get("meeting_kinds", [])
    }
    assert kinds, "the guide files have meeting kinds to look for"
    found = [
        hit for path in sorted((ROOT / "devdata").rglob("*.py")) for hit in _named_in(path, kinds)
    ]
    assert found == []


def test_the_literal_search_finds_what_it_is_meant_to(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'step = "1.2"\nnote = f"{x} 0.3"\nother = ("0.10", "samarbeidsmote", 1.5, "nivå 1")\n'
    )
    found = _named_in(sample, {"samarbeidsmote"})
    assert {hit.split(": ", 1)[1] for hit in found} == {
        "'1.2'",
        "' 0.3'",
        "'0.10'",
        "'samarbeidsmote'",
    }
