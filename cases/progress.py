"""What the case's current step needs, and what of it is done: the guide's requirements
(levels.requirements) checked against the case's own records.

The case page and the services ask the same function with the same facts: the case page's case
(cases.case_page), whose collections are read in its one query, so checking costs no query.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from levels import requirements
from levels.models import Step

from .models import Case, Meeting, WideCollaboration


@dataclass(frozen=True)
class Requirement:
    name: str
    label: str
    done: bool


def since(case: Case) -> datetime:
    """When the case's present stretch began: its last decision, else its opening. Meetings,
    referater and evaluations count from then (a new level, or a new round of the same)."""
    decisions = [d.decided_at for d in case.page_decisions]
    return max(decisions) if decisions else case.opened_at


def step_requirements(case: Case, step: Step | None) -> list[Requirement]:
    """Each requirement of the step, done or not, for a case read by cases.case_page."""
    if step is None:
        return []
    return [
        Requirement(name, str(requirements.STEP[name]), _met(name, case, step))
        for name in step.requires
        if name in requirements.STEP
    ]


def unmet(case: Case, step: Step | None) -> list[Requirement]:
    return [r for r in step_requirements(case, step) if not r.done]


def _met(name: str, case: Case, step: Step) -> bool:
    start, now = since(case), timezone.now()
    kind = step.meeting_kind

    def meetings():
        # Booked since the case's present stretch began (a new level, or a new round).
        return [
            m for m in case.page_meetings if (not kind or m.kind == kind) and m.created_at >= start
        ]

    if name == "checklist":
        ticked = {c.item for c in case.page_step_checks if c.step_code == step.code}
        return set(step.checklist_items) <= ticked
    if name == "meeting":
        return bool(meetings())
    if name == "minutes":
        # The page's meetings carry their referat when there is one (and no query when not).
        return any(
            m.starts_at <= now and Meeting.minutes.is_cached(m) and m.minutes.version > 0
            for m in meetings()
        )
    if name == "measure":
        # One agreed in this stretch, or one still running toward its evaluation.
        today = timezone.localdate()
        return any(
            m.is_active and (m.created_at >= start or m.evaluation_due >= today)
            for m in case.page_measures
        )
    if name == "evaluation":
        return any(e.created_at >= start for e in case.page_evaluations)
    if name == "consent":
        return any(c.is_active for c in case.page_consents)
    if name == "offers":
        wide = case.wide_collaboration_or_none
        waiting = WideCollaboration.Answer.NOT_YET
        return wide is not None and waiting not in (wide.familiehjelpa, wide.individual_plan)
    return False
