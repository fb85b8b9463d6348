"""The ways a synthetic case can take through the guide in use, worked out once per load.

Nothing here names a step, a meeting kind or a level: the levels, the moves each level's
decision allows, the steps on each level's way, its closing steps, the meeting kinds its steps
call for, who takes its decision and where the guide wants consent or its offers all come from
the guide (`levels.rules.table`, its steps and meeting kinds). The generator then writes rows
that follow these ways, fast, without the services.
"""

from dataclasses import dataclass

from levels import rules
from levels.models import Guide, Step
from levels.rules import CLOSED, LevelRule
from levels.selectors import meeting_kinds_for
from levels.words import Words, guide_words

# How the cases spread over the levels they reach, lowest first: most stay low, few go far.
# A guide with more levels gets each next one half the share of the one before.
LEVEL_SHARES = (0.45, 0.33, 0.16, 0.06)
# What makes a step call for a meeting: a meeting kind named, or a meeting or referat required.
MEETING_REQUIREMENTS = frozenset({"meeting", "minutes"})


@dataclass(frozen=True)
class PlannedMeeting:
    step_code: str  # the step that calls for it
    kind: str
    needs_minutes: bool


@dataclass(frozen=True)
class LevelPlan:
    rule: LevelRule
    path: tuple[Step, ...]  # the level's way, its decision step last
    closing: tuple[Step, ...]
    # The meetings the level's way calls for, each at the index of its step in `path` (a kind
    # asked for by consecutive steps is one meeting: booked at one, its referat at the next).
    meetings: tuple[tuple[int, PlannedMeeting], ...]
    measure_at: int | None  # the index of the first step that needs a measure, if any
    evaluation_at: int | None
    consent_at: int | None
    offers: bool  # the guide wants its offers recorded at this level
    offers_at: int | None  # … by this step of its way (None: by none in particular)

    @property
    def number(self) -> int:
        return self.rule.number


@dataclass(frozen=True)
class GuidePlan:
    table: rules.Table
    levels: dict[int, LevelPlan]
    # The levels a case passes to reach each level, by the moves the guide allows: the nearest
    # level above at each decision. Levels no way reaches are left out.
    routes: dict[int, tuple[int, ...]]
    shares: tuple[float, ...]  # by level in `routes`' order
    words: Words
    first_level: int
    level0_decision_days: int

    @property
    def reachable(self) -> list[int]:
        return list(self.routes)

    def collaboration(self, route: tuple[int, ...]) -> bool:
        """Whether a case on this way works with another service under consent: it enters the
        guide's collaboration level, or one of its steps needs a consent."""
        return route[-1] >= self.table.collaboration_from_level or any(
            self.levels[n].consent_at is not None for n in route
        )


def plan(guide: Guide) -> GuidePlan:
    table = rules.table(guide)
    steps = {s.code: s for level in guide.levels.all() for s in level.steps.all()}
    levels = {n: _level_plan(guide, rule, steps) for n, rule in table.levels.items()}
    first = min(levels)
    routes = {}
    for target in sorted(levels):
        route = _route(table, first, target)
        if route is not None:
            routes[target] = route
    shares = [*LEVEL_SHARES]
    while len(shares) < len(routes):
        shares.append(shares[-1] / 2)
    return GuidePlan(
        table=table,
        levels=levels,
        routes=routes,
        shares=tuple(shares[: len(routes)]),
        words=guide_words(guide),
        first_level=first,
        level0_decision_days=guide.level0_decision_days,
    )


def _route(table: rules.Table, first: int, target: int) -> tuple[int, ...] | None:
    """From the first level to `target`, each decision to the nearest allowed level above (not
    past the target)."""
    route = [first]
    while route[-1] != target:
        up = [
            n
            for n in table.rule(route[-1]).to_levels
            if n is not CLOSED and route[-1] < n <= target
        ]
        if not up:
            return None
        route.append(min(up))
    return tuple(route)


def _level_plan(guide: Guide, rule: LevelRule, steps: dict[str, Step]) -> LevelPlan:
    path = tuple(steps[code] for code in rule.path)
    meetings: list[tuple[int, PlannedMeeting]] = []
    previous = -2  # the index of the last step that called for a meeting
    for i, step in enumerate(path):
        wanted = set(step.requires) & MEETING_REQUIREMENTS
        kind = _kind(guide, rule.number, step) if step.meeting_kind or wanted else None
        if kind is None:
            continue
        minutes = "minutes" in wanted
        if previous == i - 1 and meetings[-1][1].kind == kind:
            # The meeting the step before booked: this step holds it, or writes its referat.
            at, earlier = meetings[-1]
            meetings[-1] = (
                at,
                PlannedMeeting(earlier.step_code, kind, earlier.needs_minutes or minutes),
            )
        else:
            meetings.append((i, PlannedMeeting(step.code, kind, minutes)))
        previous = i

    def first_needing(requirement: str) -> int | None:
        return next((i for i, s in enumerate(path) if requirement in s.requires), None)

    return LevelPlan(
        rule=rule,
        path=path,
        closing=tuple(steps[code] for code in rule.closing_steps),
        meetings=tuple(meetings),
        measure_at=first_needing("measure"),
        evaluation_at=first_needing("evaluation"),
        consent_at=first_needing("consent"),
        offers="offers" in rule.requires or first_needing("offers") is not None,
        offers_at=first_needing("offers"),
    )


def _kind(guide: Guide, level: int, step: Step) -> str | None:
    """The kind the step calls for; else the first ordinary kind the guide allows there."""
    kinds, default = meeting_kinds_for(guide, level, step.code)
    if default is not None:
        return default.code
    ordinary = [k for k in kinds if not k.purpose] or kinds
    return ordinary[0].code if ordinary else None
