"""The level workflow as data: which level moves a decision may make, and what each move needs.

The guide's decision steps (0.4, 1.4, 2.4, 3.5 in Øvre Eiker) decide between these moves. The
table knows nothing of cases: callers pass plain level numbers and facts about the case.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

CLOSED = None  # the "to level" of a decision that closes the case


class Move(models.TextChoices):
    CLOSE = "close", _("Avslutt saken")
    CONTINUE = "continue", _("Fortsett på samme nivå")
    RAISE = "raise", _("Gå opp et nivå")
    LOWER = "lower", _("Gå ned et nivå")


# From each level, the levels a decision may lead to (CLOSED closes the case).
# 0.4: yes → nivå 1, no → close. 1.4: stay, raise to 2 or 3, or close. 2.4: back to 1, stay,
# raise to 3, close. 3.5: keep, change level (down to 2 or 1), or close.
TRANSITIONS: dict[int, tuple[int | None, ...]] = {
    0: (1, CLOSED),
    1: (1, 2, 3, CLOSED),
    2: (1, 2, 3, CLOSED),
    3: (1, 2, 3, CLOSED),
}

# From this level on, the case is collaboration with other services: at least one other
# service must be involved under an active consent before the case may move there.
COLLABORATION_FROM_LEVEL = 2
# At this level familiehjelpa must be offered (coordinator, barnekoordinator, individual plan).
WIDE_COLLABORATION_LEVEL = 3


class MoveRefused(Exception):
    """A decision the table or its conditions do not allow; the message is for the user."""


@dataclass(frozen=True)
class Option:
    move: Move
    to_level: int | None

    @property
    def value(self) -> str:
        return "avslutt" if self.to_level is CLOSED else str(self.to_level)

    @property
    def label(self) -> str:
        if self.to_level is CLOSED:
            return str(Move.CLOSE.label)
        return f"{self.move.label}: nivå {self.to_level}"


def classify(from_level: int, to_level: int | None) -> Move:
    if to_level is CLOSED:
        return Move.CLOSE
    if to_level == from_level:
        return Move.CONTINUE
    return Move.RAISE if to_level > from_level else Move.LOWER


def options(from_level: int) -> list[Option]:
    """The choices a decision at this level offers, in the order the guide discusses them."""
    return [Option(classify(from_level, to), to) for to in TRANSITIONS.get(from_level, ())]


def check_move(from_level: int, to_level: int | None, *, services_with_consent: int) -> Move:
    """Return the kind of move, or raise MoveRefused saying why it is not allowed.

    `services_with_consent` counts the services other than the owner that take part in the case
    under an active consent.
    """
    if from_level not in TRANSITIONS:
        raise MoveRefused(_("Saken er på et nivå veilederen ikke kjenner."))
    if to_level not in TRANSITIONS[from_level]:
        if to_level is CLOSED:
            raise MoveRefused(_("Saken kan ikke avsluttes fra dette nivået."))
        raise MoveRefused(
            _("Fra nivå %(from)s kan saken ikke gå til nivå %(to)s.")
            % {"from": from_level, "to": to_level}
        )
    enters_collaboration = (
        to_level is not CLOSED and to_level >= COLLABORATION_FROM_LEVEL > from_level
    )
    if enters_collaboration and services_with_consent < 1:
        raise MoveRefused(
            _(
                "For å gå til nivå %(to)s må minst én annen tjeneste være med i saken, "
                "med samtykke fra foresatte."
            )
            % {"to": to_level}
        )
    return classify(from_level, to_level)
