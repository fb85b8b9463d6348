"""The level workflow, read from the guide: which moves a level's decision may make, what each
move needs, and which step a case goes to after a step or a decision.

One table (`Table`) built from the guide's levels and steps, and pure functions of it: they know
nothing of cases; callers pass level numbers, step codes and facts about the case.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Guide, Level

CLOSED = None  # the "to level" of a decision that closes the case
# Where every case starts: the guide file numbers its levels 0, 1, 2 … (docs/guide-format.md).
FIRST_LEVEL = 0


class Move(models.TextChoices):
    CLOSE = "close", gettext_lazy("Avslutt saken")
    CONTINUE = "continue", gettext_lazy("Fortsett på samme nivå")
    RAISE = "raise", gettext_lazy("Gå opp et nivå")
    LOWER = "lower", gettext_lazy("Gå ned et nivå")


class MoveRefused(Exception):
    """A decision the table or its conditions do not allow; the message is for the user."""


@dataclass(frozen=True)
class LevelRule:
    number: int
    # The steps a case walks at this level, in order, the decision step last; the closing
    # steps (reached only by a decision to close) are not among them.
    path: tuple[str, ...]
    decision_step: str
    to_levels: tuple[int | None, ...]  # CLOSED among them when the decision may close
    continue_step: str
    closing_steps: tuple[str, ...]
    decided_by: str
    requires: tuple[str, ...]

    @property
    def leader_decides(self) -> bool:
        return self.decided_by != Level.DecidedBy.HOLDER

    def get_decided_by_display(self) -> str:
        return str(Level.DecidedBy(self.decided_by).label)


@dataclass(frozen=True)
class Table:
    levels: dict[int, LevelRule]
    collaboration_from_level: int

    def rule(self, level: int) -> LevelRule:
        try:
            return self.levels[level]
        except KeyError:
            raise MoveRefused(_("Saken er på et nivå veilederen ikke kjenner.")) from None

    def levels_requiring(self, requirement: str) -> list[int]:
        return [n for n, rule in self.levels.items() if requirement in rule.requires]


def table(guide: Guide) -> Table:
    """The guide's table (kept on the guide object, which the process caches)."""
    cached = getattr(guide, "_rules_table", None)
    if cached is not None:
        return cached
    rules = {}
    for level in guide.levels.all():
        steps = list(level.steps.all())
        closing = tuple(level.closing_steps)
        deciding = next((s.code for s in steps if s.is_decision), steps[-1].code if steps else "")
        path = tuple(s.code for s in steps if s.code not in closing)
        path = path[: path.index(deciding) + 1] if deciding in path else path
        rules[level.number] = LevelRule(
            number=level.number,
            path=path,
            decision_step=deciding,
            to_levels=(*level.to_levels, *((CLOSED,) if level.may_close else ())),
            continue_step=level.continue_step or (path[0] if path else ""),
            closing_steps=closing,
            decided_by=level.decided_by,
            requires=tuple(level.requires),
        )
    built = Table(rules, guide.collaboration_from_level)
    guide._rules_table = built
    return built


@dataclass(frozen=True)
class Option:
    move: Move
    to_level: int | None

    @property
    def value(self) -> str:
        return "avslutt" if self.to_level is CLOSED else str(self.to_level)

    @property
    def label(self) -> str:
        labels = {
            Move.CONTINUE: _("Fortsett på nivå %(level)s"),
            Move.RAISE: _("Gå opp til nivå %(level)s"),
            Move.LOWER: _("Gå ned til nivå %(level)s"),
        }
        if self.to_level is CLOSED:
            return str(Move.CLOSE.label)
        return labels[self.move] % {"level": self.to_level}


def classify(from_level: int, to_level: int | None) -> Move:
    if to_level is CLOSED:
        return Move.CLOSE
    if to_level == from_level:
        return Move.CONTINUE
    return Move.RAISE if to_level > from_level else Move.LOWER


def options(rules: Table, from_level: int) -> list[Option]:
    """The choices a decision at this level offers, in the order the guide lists them."""
    rule = rules.levels.get(from_level)
    return [Option(classify(from_level, to), to) for to in (rule.to_levels if rule else ())]


def check_move(
    rules: Table, from_level: int, to_level: int | None, *, services_with_consent: int
) -> Move:
    """Return the kind of move, or raise MoveRefused saying why it is not allowed.

    `services_with_consent` counts the services other than the owner that take part in the case
    under an active consent.
    """
    rule = rules.rule(from_level)
    if to_level not in rule.to_levels:
        if to_level is CLOSED:
            raise MoveRefused(_("Saken kan ikke avsluttes fra dette nivået."))
        raise MoveRefused(
            _("Fra nivå %(from)s kan saken ikke gå til nivå %(to)s.")
            % {"from": from_level, "to": to_level}
        )
    collaboration = rules.collaboration_from_level
    enters_collaboration = to_level is not CLOSED and to_level >= collaboration > from_level
    if enters_collaboration and services_with_consent < 1:
        raise MoveRefused(
            _(
                "For å gå til nivå %(to)s må minst én annen tjeneste være med i saken, "
                "med samtykke fra foresatte."
            )
            % {"to": to_level}
        )
    return classify(from_level, to_level)


def first_step(rules: Table, level: int) -> str:
    rule = rules.rule(level)
    if not rule.path:
        raise MoveRefused(
            _("Handlingsveilederen har ingen trinn på nivå %(level)s.") % {"level": level}
        )
    return rule.path[0]


def step_after_decision(rules: Table, from_level: int, to_level: int | None) -> str | None:
    """Where a decision takes the case: the level's first closing step when it closes (None:
    closed at once), the step the guide names when it continues, else the new level's first."""
    rule = rules.rule(from_level)
    if to_level is CLOSED:
        return rule.closing_steps[0] if rule.closing_steps else None
    if to_level == from_level:
        return rule.continue_step
    return first_step(rules, to_level)


def is_closing(rules: Table, level: int, code: str) -> bool:
    rule = rules.levels.get(level)
    return rule is not None and code in rule.closing_steps


def step_after(rules: Table, level: int, code: str) -> str | None:
    """The step after a completed one: the next on the level's path, or the next closing step;
    None after the last closing step (the case is closed). A decision step has no "after"."""
    rule = rules.rule(level)
    if code in rule.closing_steps:
        i = rule.closing_steps.index(code)
        return rule.closing_steps[i + 1] if i + 1 < len(rule.closing_steps) else None
    if code not in rule.path:
        raise MoveRefused(_("Trinnet finnes ikke på sakens nivå i veilederen."))
    if code == rule.decision_step:
        raise MoveRefused(_("Dette trinnet avsluttes med en beslutning."))
    return rule.path[rule.path.index(code) + 1]


def levels_text(numbers) -> str:
    """Level numbers as a sentence names them: "3", "2 og 3", "1, 2 og 3"."""
    names = [str(n) for n in numbers]
    if len(names) < 2:
        return "".join(names) or "–"
    return _("%(first)s og %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}
