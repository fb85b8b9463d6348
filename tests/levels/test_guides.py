"""Fjordvik, the fictional nynorsk guide: it loads, and its rules, words and meeting kinds are
its own — each different from Øvre Eiker's, so the tests that run under both show that the rules
come from the guide file."""

import pytest

from levels import requirements
from levels.loader import load_guide
from levels.models import Guide, Level, Step
from levels.rules import (
    CLOSED,
    Move,
    MoveRefused,
    check_move,
    step_after,
    step_after_decision,
    table,
)
from levels.selectors import kind_for_purpose, meeting_kinds_for
from levels.words import PRODUCT_DEFAULTS, Words, current_words, guide_words
from tests.conftest import GUIDES

LEADER, HOLDER, WITH_LEADER = (
    Level.DecidedBy.LEADER,
    Level.DecidedBy.HOLDER,
    Level.DecidedBy.HOLDER_WITH_LEADER,
)


@pytest.fixture
def fjordvik(db) -> Guide:
    return load_guide(GUIDES / "fjordvik.toml")


@pytest.fixture
def rules(fjordvik):
    return table(fjordvik)


def test_fjordvik_is_a_nynorsk_bti_guide_with_its_own_words(fjordvik):
    assert fjordvik.is_active
    municipality = fjordvik.municipality
    assert (fjordvik.slug, municipality.number, municipality.name) == (
        "fjordvik",
        "4699",
        "Fjordvik kommune",
    )
    assert (fjordvik.model, fjordvik.language) == (Guide.Model.BTI, "nn")
    assert guide_words(fjordvik) == Words(
        product="BTI",
        product_long="betre tverrfagleg innsats for barn og unge",
        concern="uro",
        concern_definite="uroa",
        concern_plural="uroer",
        concern_compound="uro",
    )
    # Its own long name, not the default the model and language form would give.
    assert fjordvik.product_long_name != PRODUCT_DEFAULTS["BTI", "nn"]
    words = current_words()
    assert (words.Concern_definite, f"{words.concern_compound}samtale") == ("Uroa", "urosamtale")


def test_fjordvik_has_its_own_deadlines_consent_ages_and_acute_numbers(fjordvik):
    assert (fjordvik.level0_decision_days, fjordvik.inactive_days) == (21, 45)
    assert (fjordvik.follow_up_min_days, fjordvik.follow_up_max_days) == (21, 42)
    assert (fjordvik.child_consent_age, fjordvik.child_consent_age_health) == (16, 16)
    assert fjordvik.child_heard_age == 6
    phones = list(fjordvik.acute_contacts.values_list("phone", flat=True))
    assert {"112", "02800", "400 00 000"} <= set(phones)


def test_five_steps_on_every_level_the_decision_at_four_and_a_closing_step_at_five(fjordvik, rules):
    assert sorted(rules.levels) == [0, 1, 2, 3]
    for number, rule in rules.levels.items():
        codes = list(
            Step.objects.filter(level__guide=fjordvik, level__number=number).values_list(
                "code", flat=True
            )
        )
        assert codes == [f"{number}.{i}" for i in range(1, 6)]
        assert rule.path == tuple(f"{number}.{i}" for i in range(1, 5))
        assert rule.decision_step == f"{number}.4"
        assert rule.closing_steps == (f"{number}.5",)
        assert step_after_decision(rules, number, CLOSED) == f"{number}.5"
        assert step_after(rules, number, f"{number}.5") is None  # the case is closed


def test_the_rules_are_fjordviks(rules):
    assert {n: rule.to_levels for n, rule in rules.levels.items()} == {
        0: (1, 2, CLOSED),
        1: (1, 2, CLOSED),
        2: (1, 2, 3, CLOSED),
        3: (2, 3, CLOSED),
    }
    assert {n: rule.decided_by for n, rule in rules.levels.items()} == {
        0: LEADER,
        1: HOLDER,
        2: WITH_LEADER,
        3: LEADER,
    }
    # "Continue" goes back to a measures step: to carrying them out at nivå 1, to planning new
    # ones together at nivå 2 and 3; nivå 0 cannot continue at all.
    assert {n: step_after_decision(rules, n, n) for n in (1, 2, 3)} == {
        1: "1.3",
        2: "2.2",
        3: "3.2",
    }
    with pytest.raises(MoveRefused):
        check_move(rules, 0, 0, services_with_consent=1)
    assert rules.collaboration_from_level == 1
    assert rules.levels_requiring("offers") == [2]


def test_another_service_with_consent_is_needed_already_for_nivå_1(rules):
    with pytest.raises(MoveRefused, match="minst én annen tjeneste"):
        check_move(rules, 0, 1, services_with_consent=0)
    assert check_move(rules, 0, 1, services_with_consent=1) == Move.RAISE
    assert check_move(rules, 0, 2, services_with_consent=1) == Move.RAISE
    assert check_move(rules, 0, CLOSED, services_with_consent=0) == Move.CLOSE


def test_nivå_3_goes_down_to_nivå_2_but_not_to_nivå_1(rules):
    assert check_move(rules, 3, 2, services_with_consent=1) == Move.LOWER
    with pytest.raises(MoveRefused):
        check_move(rules, 3, 1, services_with_consent=1)


def test_every_rule_differs_from_ovre_eiker(rules):
    ovre_eiker = table(load_guide(GUIDES / "ovre-eiker.toml"))

    assert rules.collaboration_from_level != ovre_eiker.collaboration_from_level
    assert rules.levels_requiring("offers") != ovre_eiker.levels_requiring("offers")
    for attribute in ("to_levels", "decided_by", "closing_steps", "decision_step"):
        mine = {n: getattr(r, attribute) for n, r in rules.levels.items()}
        theirs = {n: getattr(r, attribute) for n, r in ovre_eiker.levels.items()}
        assert mine != theirs, attribute
    continues = {n: r.continue_step for n, r in rules.levels.items() if n in r.to_levels}
    theirs = {n: r.continue_step for n, r in ovre_eiker.levels.items() if n in r.to_levels}
    assert continues != theirs


def test_the_meeting_kinds_are_fjordviks(fjordvik):
    kinds = {
        k.code: (k.name, k.levels, k.steps, k.invite_family, k.purpose)
        for k in fjordvik.meeting_kinds.all()
    }
    assert kinds == {
        "urosamtale": ("Urosamtale", [0], [], True, ""),
        "nettverksmote": ("Nettverksmøte", [1, 2, 3], [], True, ""),
        "ansvarsgruppemote": ("Ansvarsgruppemøte", [2, 3], [], True, ""),
        "evalueringsmote": ("Evalueringsmøte", [1, 2, 3], [], True, ""),
        "barneteam": ("Barneteam", [2, 3], ["1.4"], False, "child_team"),
    }
    assert kind_for_purpose(fjordvik, "child_team") == "barneteam"
    # The barneteam may be booked at 1.4 (its `steps`), not at the other steps of nivå 1.
    assert "barneteam" in [k.code for k in meeting_kinds_for(fjordvik, 1, "1.4")[0]]
    assert "barneteam" not in [k.code for k in meeting_kinds_for(fjordvik, 1, "1.3")[0]]


def test_each_step_says_what_it_needs_and_the_journey_passes_through_every_requirement(fjordvik):
    steps = list(Step.objects.filter(level__guide=fjordvik).select_related("level"))

    for step in steps:
        if step.is_decision:
            assert step.requires == [], step.code
        else:
            assert step.requires, f"{step.code} requires nothing"
        if {"meeting", "minutes"} & set(step.requires):
            assert step.meeting_kind, f"{step.code} needs a meeting but names no kind"
        if step.meeting_kind:
            kinds, default = meeting_kinds_for(fjordvik, step.level.number, step.code)
            assert default is not None and default in kinds, step.code
    assert {name for step in steps for name in step.requires} == set(requirements.STEP)
    # The main journey at nivå 1: consent and a meeting booked, its referat and a measure, an
    # evaluation, then the decision; a close passes through the closing step's checklist.
    by_code = {step.code: step for step in steps}
    assert [by_code[f"1.{i}"].requires for i in range(1, 6)] == [
        ["consent", "meeting"],
        ["minutes", "measure"],
        ["evaluation"],
        [],
        ["checklist"],
    ]
    assert [by_code[f"1.{i}"].meeting_kind for i in range(1, 5)] == [
        "nettverksmote",
        "nettverksmote",
        "evalueringsmote",
        "evalueringsmote",
    ]
    assert by_code["0.3"].meeting_kind == "urosamtale"
    assert by_code["3.1"].meeting_kind == "ansvarsgruppemote"
