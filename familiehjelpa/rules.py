"""The triage of an inquiry as data: which moves between states are allowed, and what each needs.

Like `levels.rules`, the table knows nothing of the database: callers pass the state and plain
facts about the inquiry. `familiehjelpa.services.inquiry_move` checks a move against it in a
transaction; the board offers exactly the moves the table allows.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from bts.forms import has_visible_text

from .models import Inquiry

State = Inquiry.State

# What a move needs besides being in the table.
NOTHING = "nothing"
REASON = "reason"  # written on the move itself (closing, reopening)
CONVERSATION = "conversation"  # a conversation with the family is booked
FAMILY_CONTACT = "family_contact"  # a family contact is assigned
CHILD_TEAM = "child_team"  # a case of the inquiry is on the barneteam's agenda

# From each state, the states a move may lead to and what it needs. A family contact is
# connected at once after the mapping, or after a conversation when more was needed; border
# cases go to the barneteam from any working state; a closed inquiry may be reopened.
TRANSITIONS: dict[str, dict[str, str]] = {
    State.NEW: {State.MAPPING: NOTHING, State.CLOSED: REASON},
    State.MAPPING: {
        State.CONVERSATION: CONVERSATION,
        State.CONTACT_ASSIGNED: FAMILY_CONTACT,
        State.CHILD_TEAM: CHILD_TEAM,
        State.CLOSED: REASON,
    },
    State.CONVERSATION: {
        State.MAPPING: NOTHING,
        State.CONTACT_ASSIGNED: FAMILY_CONTACT,
        State.CHILD_TEAM: CHILD_TEAM,
        State.CLOSED: REASON,
    },
    State.CONTACT_ASSIGNED: {State.CHILD_TEAM: CHILD_TEAM, State.CLOSED: REASON},
    State.CHILD_TEAM: {State.CONTACT_ASSIGNED: FAMILY_CONTACT, State.CLOSED: REASON},
    State.CLOSED: {State.MAPPING: REASON},
}

# The label of the button or link that makes each move, by target state.
MOVE_LABELS = {
    State.NEW: _("Ny"),
    State.MAPPING: _("Til kartlegging"),
    State.CONVERSATION: _("Samtale avtalt"),
    State.CONTACT_ASSIGNED: _("Familiekontakt tildelt"),
    State.CHILD_TEAM: _("Henvist barneteam"),
    State.CLOSED: _("Avslutt"),
}
REOPEN_LABEL = _("Gjenåpne")

# What the user is told when a move's condition is not met, by condition.
MISSING = {
    REASON: _("Skriv hvorfor."),
    CONVERSATION: _("Avtal en samtale med familien først."),
    FAMILY_CONTACT: _("Tildel en familiekontakt først."),
    CHILD_TEAM: _("Sett en av sakene på barneteamets sakliste først."),
}


class MoveRefused(Exception):
    """A move the table or its condition does not allow; the message is for the user."""


@dataclass(frozen=True)
class Facts:
    """What the conditions of the table look at."""

    has_conversation: bool = False
    has_family_contact: bool = False
    on_child_team_agenda: bool = False
    reason: str = ""

    def meets(self, condition: str) -> bool:
        return {
            NOTHING: True,
            REASON: has_visible_text(self.reason),
            CONVERSATION: self.has_conversation,
            FAMILY_CONTACT: self.has_family_contact,
            CHILD_TEAM: self.on_child_team_agenda,
        }[condition]


@dataclass(frozen=True)
class Move:
    to_state: str
    condition: str

    @property
    def label(self) -> str:
        if self.to_state == State.MAPPING and self.condition == REASON:
            return str(REOPEN_LABEL)
        return str(MOVE_LABELS[self.to_state])


def moves_from(state: str) -> list[Move]:
    """The moves the table allows from `state`, in the order the board shows them."""
    return [Move(to, condition) for to, condition in TRANSITIONS.get(state, {}).items()]


def allows(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, {})


def check_move(from_state: str, to_state: str, facts: Facts) -> str:
    """Return the move's condition, or raise MoveRefused saying why it is not allowed."""
    if from_state == to_state:
        raise MoveRefused(
            _("Henvendelsen har allerede status «%(state)s».") % {"state": State(to_state).label}
        )
    if not allows(from_state, to_state):
        raise MoveRefused(
            _("En henvendelse med status «%(from)s» kan ikke flyttes til «%(to)s».")
            % {"from": State(from_state).label, "to": State(to_state).label}
        )
    condition = TRANSITIONS[from_state][to_state]
    if not facts.meets(condition):
        raise MoveRefused(MISSING[condition])
    return condition
