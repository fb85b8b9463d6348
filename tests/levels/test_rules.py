"""The transition table, read from Øvre Eiker's guide file: every cell of it, its conditions,
and where a step or a decision takes the case."""

import pytest

from levels.rules import (
    CLOSED,
    Move,
    MoveRefused,
    check_move,
    options,
    step_after,
    step_after_decision,
    table,
)


@pytest.fixture
def rules(guide):
    return table(guide)


ALL_TARGETS = (0, 1, 2, 3, CLOSED)
# Every cell of the table: (from, to) → the move, or None where the table refuses it.
EXPECTED = {
    (0, 0): None, (0, 1): Move.RAISE, (0, 2): None, (0, 3): None, (0, CLOSED): Move.CLOSE,
    (1, 0): None, (1, 1): Move.CONTINUE, (1, 2): Move.RAISE, (1, 3): Move.RAISE,
    (1, CLOSED): Move.CLOSE,
    (2, 0): None, (2, 1): Move.LOWER, (2, 2): Move.CONTINUE, (2, 3): Move.RAISE,
    (2, CLOSED): Move.CLOSE,
    (3, 0): None, (3, 1): Move.LOWER, (3, 2): Move.LOWER, (3, 3): Move.CONTINUE,
    (3, CLOSED): Move.CLOSE,
}  # fmt: skip


@pytest.mark.parametrize(
    "from_level,to_level", list(EXPECTED), ids=[f"{f}->{t}" for f, t in EXPECTED]
)
def test_every_cell_of_the_transition_table(rules, from_level, to_level):
    expected = EXPECTED[(from_level, to_level)]
    if expected is None:
        with pytest.raises(MoveRefused):
            check_move(rules, from_level, to_level, services_with_consent=5)
    else:
        assert check_move(rules, from_level, to_level, services_with_consent=5) == expected


def test_the_expectations_cover_the_whole_table(rules):
    assert {f for f, _ in EXPECTED} == set(rules.levels)
    for from_level, rule in rules.levels.items():
        allowed = {t for t in ALL_TARGETS if EXPECTED[(from_level, t)] is not None}
        assert allowed == set(rule.to_levels)


@pytest.mark.parametrize("from_level,to_level", [(1, 2), (1, 3)])
def test_raising_into_collaboration_needs_another_service_with_consent(rules, from_level, to_level):
    with pytest.raises(MoveRefused, match="minst én annen tjeneste"):
        check_move(rules, from_level, to_level, services_with_consent=0)
    assert check_move(rules, from_level, to_level, services_with_consent=1) == Move.RAISE


@pytest.mark.parametrize("from_level,to_level", [(2, 2), (2, 3), (3, 2), (1, 1), (1, CLOSED)])
def test_moves_within_or_out_of_collaboration_need_no_new_consent(rules, from_level, to_level):
    assert check_move(rules, from_level, to_level, services_with_consent=0)


def test_unknown_level_is_refused(rules):
    with pytest.raises(MoveRefused):
        check_move(rules, 7, CLOSED, services_with_consent=0)


def test_options_list_the_choices_of_a_level_with_labels(rules):
    assert [(o.move, o.to_level, o.value) for o in options(rules, 0)] == [
        (Move.RAISE, 1, "1"),
        (Move.CLOSE, CLOSED, "avslutt"),
    ]
    labels = [o.label for o in options(rules, 2)]
    assert labels == [
        "Gå ned til nivå 1",
        "Fortsett på nivå 2",
        "Gå opp til nivå 3",
        "Avslutt saken",
    ]


def test_the_path_of_a_level_ends_at_its_decision_and_leaves_out_its_closing_step(rules):
    assert rules.levels[1].path == ("1.1", "1.2", "1.3", "1.4")
    assert rules.levels[1].decision_step == "1.4"
    assert rules.levels[1].closing_steps == ("1.5",)
    assert [step_after(rules, 1, code) for code in ("1.1", "1.2", "1.3")] == ["1.2", "1.3", "1.4"]
    with pytest.raises(MoveRefused, match="beslutning"):
        step_after(rules, 1, "1.4")


def test_a_decision_goes_where_the_guide_says(rules):
    # Continue: back to the step the guide names, not to the level's first step.
    assert step_after_decision(rules, 1, 1) == "1.3"
    assert step_after_decision(rules, 2, 2) == "2.3"
    # Close: through the level's closing step, whose completion closes the case.
    assert step_after_decision(rules, 1, CLOSED) == "1.5"
    assert step_after(rules, 1, "1.5") is None
    # A level without a closing step closes at once; raising starts at the level's first step.
    assert step_after_decision(rules, 0, CLOSED) is None
    assert step_after_decision(rules, 1, 3) == "3.1"


def test_who_decides_comes_from_the_guide(rules):
    assert rules.levels[0].leader_decides  # 0.4: «Ansvarlig for undringen og ledelsen»
    assert not rules.levels[1].leader_decides
    assert rules.levels_requiring("offers") == [3]
    assert rules.collaboration_from_level == 2
