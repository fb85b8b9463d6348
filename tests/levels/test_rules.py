import pytest

from levels.rules import CLOSED, TRANSITIONS, Move, MoveRefused, check_move, options

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
def test_every_cell_of_the_transition_table(from_level, to_level):
    expected = EXPECTED[(from_level, to_level)]
    if expected is None:
        with pytest.raises(MoveRefused):
            check_move(from_level, to_level, services_with_consent=5)
    else:
        assert check_move(from_level, to_level, services_with_consent=5) == expected


def test_the_expectations_cover_the_whole_table():
    assert {f for f, _ in EXPECTED} == set(TRANSITIONS)
    for from_level, targets in TRANSITIONS.items():
        allowed = {t for t in ALL_TARGETS if EXPECTED[(from_level, t)] is not None}
        assert allowed == set(targets)


@pytest.mark.parametrize("from_level,to_level", [(1, 2), (1, 3)])
def test_raising_into_collaboration_needs_another_service_with_consent(from_level, to_level):
    with pytest.raises(MoveRefused, match="minst én annen tjeneste"):
        check_move(from_level, to_level, services_with_consent=0)
    assert check_move(from_level, to_level, services_with_consent=1) == Move.RAISE


@pytest.mark.parametrize("from_level,to_level", [(2, 2), (2, 3), (3, 2), (1, 1), (1, CLOSED)])
def test_moves_within_or_out_of_collaboration_need_no_new_consent(from_level, to_level):
    assert check_move(from_level, to_level, services_with_consent=0)


def test_unknown_level_is_refused():
    with pytest.raises(MoveRefused):
        check_move(7, CLOSED, services_with_consent=0)


def test_options_list_the_choices_of_a_level_with_labels():
    assert [(o.move, o.to_level, o.value) for o in options(0)] == [
        (Move.RAISE, 1, "1"),
        (Move.CLOSE, CLOSED, "avslutt"),
    ]
    labels = [o.label for o in options(2)]
    assert labels == [
        "Gå ned et nivå: nivå 1",
        "Fortsett på samme nivå: nivå 2",
        "Gå opp et nivå: nivå 3",
        "Avslutt saken",
    ]
