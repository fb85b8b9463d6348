"""The triage table: plain data, checked without a database."""

import itertools

import pytest

from familiehjelpa import rules
from familiehjelpa.models import Inquiry

State = Inquiry.State
ALL_FACTS = rules.Facts(
    has_conversation=True, has_family_contact=True, on_child_team_agenda=True, reason="Fordi."
)
PAIRS = list(itertools.product(State.values, State.values))


def test_every_state_has_a_row_and_every_target_is_a_state():
    assert set(rules.TRANSITIONS) == set(State.values)
    for targets in rules.TRANSITIONS.values():
        assert set(targets) <= set(State.values)
        assert set(targets.values()) <= {
            rules.NOTHING,
            rules.REASON,
            rules.CONVERSATION,
            rules.FAMILY_CONTACT,
            rules.CHILD_TEAM,
        }


@pytest.mark.parametrize(("from_state", "to_state"), PAIRS, ids=[f"{a}>{b}" for a, b in PAIRS])
def test_a_move_is_allowed_exactly_when_the_table_has_it(from_state, to_state):
    if from_state != to_state and to_state in rules.TRANSITIONS[from_state]:
        assert (
            rules.check_move(from_state, to_state, ALL_FACTS)
            == (rules.TRANSITIONS[from_state][to_state])
        )
    else:
        with pytest.raises(rules.MoveRefused):
            rules.check_move(from_state, to_state, ALL_FACTS)


@pytest.mark.parametrize(
    ("from_state", "to_state", "missing", "message"),
    [
        (State.NEW, State.CLOSED, {"reason": ""}, "Skriv hvorfor."),
        (State.MAPPING, State.CONVERSATION, {"has_conversation": False}, "Avtal en samtale"),
        (State.MAPPING, State.CONTACT_ASSIGNED, {"has_family_contact": False}, "Tildel en"),
        (State.CONVERSATION, State.CHILD_TEAM, {"on_child_team_agenda": False}, "barneteamets"),
        (State.CLOSED, State.MAPPING, {"reason": "  "}, "Skriv hvorfor."),
    ],
)
def test_a_move_whose_condition_is_not_met_says_what_is_missing(
    from_state, to_state, missing, message
):
    facts = rules.Facts(**(ALL_FACTS.__dict__ | missing))
    with pytest.raises(rules.MoveRefused, match=message):
        rules.check_move(from_state, to_state, facts)


def test_the_seeds_flow_is_a_path_through_the_table():
    """Inquiry → mapping → conversation → family contact → barneteam → closed (seed 002)."""
    path = [
        State.NEW,
        State.MAPPING,
        State.CONVERSATION,
        State.CONTACT_ASSIGNED,
        State.CHILD_TEAM,
        State.CLOSED,
    ]
    for a, b in itertools.pairwise(path):
        assert rules.allows(a, b), f"{a} > {b}"


def test_a_closed_inquiry_can_only_be_reopened_with_a_reason():
    assert [(m.to_state, m.condition, m.label) for m in rules.moves_from(State.CLOSED)] == [
        (State.MAPPING, rules.REASON, "Gjenåpne")
    ]


def test_moves_from_lists_the_table_in_order():
    for state, targets in rules.TRANSITIONS.items():
        assert [(m.to_state, m.condition) for m in rules.moves_from(state)] == list(targets.items())


def test_a_reason_of_only_invisible_characters_does_not_meet_the_reason_condition():
    assert not rules.Facts(reason="\u200b\u2060 ").meets(rules.REASON)
    assert rules.Facts(reason="Flyttet").meets(rules.REASON)
