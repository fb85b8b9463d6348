"""A demo case's way through the guide in use, walked as its people would walk it.

Nothing here names a step, a meeting kind or a level. What each step requires, the meeting kind
it calls for, the moves its level's decision may make, who takes that decision, from which level
another service must be in under consent, and the closing steps a close passes through are all
read from the guide (`levels.rules.table`, `levels.selectors`). The walk does what a step
requires through the real services — ticks the checklist, books the meeting and writes its
referat, adds a measure and evaluates it, records consent and brings a service in, records the
level's offers — so the relay log, the audit trail and the case page look as after real use.

A story gives the words (what the child says, the referat, the measures); where it gives none,
the walk writes plain ones in the guide's own words (`levels.words.current_words`).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from bts.models import Service, User
from cases import progress, services
from cases.case_page import case_page, sections_json
from cases.models import (
    Case,
    Consent,
    Decision,
    DecisionProposal,
    Evaluation,
    Measure,
    Meeting,
    Minutes,
    WideCollaboration,
)
from cases.selectors import services_in_case
from levels import rules
from levels.models import Guide, Step
from levels.rules import CLOSED, LevelRule
from levels.selectors import active_guide, case_guide, guide_step, meeting_kinds_for
from levels.words import current_words

# What the log says when a step is done without something the walk cannot do (a requirement
# the walk does not know, or a meeting kind the guide offers nowhere at the step).
SKIPPED = "Avklart utenom saken."


@dataclass(frozen=True)
class MeetingText:
    """A meeting the story tells of: where, what about, and its referat (`Minutes.SECTIONS`)."""

    place: str
    agenda: str
    minutes: dict[str, str]
    other_participants: str = ""
    days_ago: int | None = None  # None: when the walk's clock says


@dataclass(frozen=True)
class MeasureText:
    description: str
    goal: str
    location: str
    started_days_ago: int = 21
    evaluation_in_days: int = 21  # negative: the evaluation is overdue


@dataclass(frozen=True)
class EvaluationText:
    effect: str
    child_experience: str
    guardians_view: str
    outcome: str = Evaluation.Outcome.CONTINUE


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    information: tuple[str, ...] = ("wellbeing",)
    form: str = Consent.Form.WRITTEN
    given_days_ago: int = 3


@dataclass
class Story:
    """The words of one demo case: what the child says, where meetings are held, the service
    brought in when the guide asks for one, and (optionally) the words of the meetings,
    measures and evaluations the walk adds by itself (else plain ones)."""

    child_view: str
    place: str
    partner: Service | None = None
    consent: ConsentText | None = None
    meeting: MeetingText | None = None
    measure: MeasureText | None = None
    evaluation: EvaluationText | None = None
    # The first meeting the walk books is this many days ago; each next one a week later.
    started_days_ago: int = 42
    # People besides the holder and the leader invited to the meetings (a partner's staff).
    invited: tuple[User, ...] = ()


class WalkStuck(Exception):
    """The walk could not move the case on (a guide the walk does not know how to follow)."""


class Walk:
    """One case, its holder, the leader who confirms where the guide says, and its story."""

    def __init__(self, case: Case, holder: User, story: Story, *, leader: User | None = None):
        self.case, self.holder, self.leader, self.story = case, holder, leader, story
        self._clock = story.started_days_ago
        self._sections = None

    # -- reading the guide ------------------------------------------------------------------

    @property
    def guide(self) -> Guide:
        return active_guide(self.case.municipality_id)

    @property
    def table(self) -> rules.Table:
        return rules.table(self.guide)

    def rule(self) -> LevelRule:
        return self.table.rule(self.case.level)

    def step(self) -> Step | None:
        self.case.refresh_from_db()
        return guide_step(self.guide, self.case.step_code) if self.case.is_open else None

    def higher_level(self) -> int | None:
        """The nearest level above the case's that its level's decision may raise it to."""
        up = [n for n in self.rule().to_levels if n is not CLOSED and n > self.case.level]
        return min(up, default=None)

    def _page(self) -> Case:
        """The case as its page reads it, which is what a step's requirements are checked on."""
        if self._sections is None:
            self._sections = sections_json()
        return case_page(Case.objects.filter(pk=self.case.pk), sections=self._sections)

    def _unmet(self, step: Step) -> list[str]:
        return [r.name for r in progress.unmet(self._page(), step)]

    # -- walking ----------------------------------------------------------------------------

    def do_step(self) -> None:
        """Do what the current step requires and complete it (an action that adds what the step
        waited for completes it by itself). A decision step is decided, not done: see
        `decide`."""
        step = self.step()
        if step is None or step.is_decision:
            return
        if step.checklist_items:
            services.checklist_save(
                case=self.case,
                user=self.holder,
                step_code=step.code,
                checked=set(step.checklist_items),
            )
        for name in self._unmet(step):
            self._fulfil(name, step)
            if self.step() is None or self.case.step_code != step.code:
                return  # the action moved the case on
        try:
            services.step_complete(
                case=self.case, user=self.holder, step_code=step.code, summary=""
            )
        except ValidationError:
            # What the walk could not do (a requirement it does not know, a meeting kind the
            # guide offers nowhere here): the step is done with the reason, as a holder would.
            services.step_complete(
                case=self.case,
                user=self.holder,
                step_code=step.code,
                summary="",
                skip_reason=SKIPPED,
            )
        self.case.refresh_from_db()

    def through(self, until: Callable[[Step], bool]) -> None:
        """Walk the level's steps until one for which `until` is true, or its decision step."""
        for _ in range(len(self.table.levels) * 20):
            step = self.step()
            if step is None or step.is_decision or until(step):
                return
            self.do_step()
            if self.case.is_open and self.case.step_code == step.code:
                raise WalkStuck(f"{self.case}: {step}")
        raise WalkStuck(str(self.case))

    def to_decision(self) -> None:
        self.through(lambda step: False)

    def until_needed(self, requirement: str) -> None:
        """Walk on until a step requires this (e.g. "evaluation"), or the decision step."""
        self.through(lambda step: requirement in step.requires)

    def decide(
        self, to_level: int | None, reason: str, *, child_view: str = "", confirm: bool = True
    ) -> Decision | DecisionProposal:
        """Walk to the decision step and decide there, with the child's voice. Where the guide
        has the leader take the decision, the holder's decision is a proposal: the leader
        confirms it when `confirm` (else it waits for them)."""
        self.to_decision()
        level = self.case.level
        if to_level is not CLOSED and to_level >= self.table.collaboration_from_level > level:
            self.bring_in_partner()
        result = services.case_decide(
            case=self.case,
            user=self.holder,
            to_level=to_level,
            reason=reason,
            child_view=child_view or self.story.child_view,
        )
        if isinstance(result, DecisionProposal) and confirm and self.leader is not None:
            services.proposal_answer(proposal=result, user=self.leader, confirm=True)
        self.case.refresh_from_db()
        return result

    def rise(self, reason: str, **kwargs) -> Decision | DecisionProposal:
        """Decide to raise the case to the nearest level above that its decision allows."""
        higher = self.higher_level()
        if higher is None:
            raise WalkStuck(f"{self.case}: no level above nivå {self.case.level}")
        return self.decide(higher, reason, **kwargs)

    def close(self, reason: str, **kwargs) -> Decision | DecisionProposal:
        """Decide to close, then pass the level's closing steps (if the guide has any) until the
        case is closed."""
        result = self.decide(CLOSED, reason, **kwargs)
        for _ in range(len(self.rule().closing_steps) + 1):
            if self.step() is None:
                break
            self.do_step()
        return result

    # -- what a step may require ------------------------------------------------------------

    def _fulfil(self, requirement: str, step: Step) -> None:
        if requirement == "meeting":
            self._meeting_for(step, minutes=False)
        elif requirement == "minutes":
            self._meeting_for(step, minutes=True)
        elif requirement == "measure":
            self.add_measure()
        elif requirement == "evaluation":
            self.evaluate()
        elif requirement == "consent":
            self.bring_in_partner()
        elif requirement == "offers":
            self.record_offers()

    def kind_for(self, step: Step):
        """The meeting kind the step calls for; else the one a later step of the level names
        (the meeting this step prepares); else the first the guide allows at the step."""
        kinds, default = meeting_kinds_for(self.guide, self.case.level, step.code)
        if default is not None:
            return default
        rule = self.rule()
        later = rule.path[rule.path.index(step.code) + 1 :] if step.code in rule.path else ()
        for code in later:
            named = guide_step(self.guide, code).meeting_kind
            match = next((k for k in kinds if k.code == named), None)
            if match is not None:
                return match
        ordinary = [k for k in kinds if not k.purpose]
        return (ordinary or kinds or [None])[0]

    def _meeting_for(self, step: Step, *, minutes: bool) -> None:
        kind = self.kind_for(step)
        if kind is None:
            return  # the guide offers no kind of meeting here: the step is done with a reason
        self.case.page_decisions = list(self.case.decisions.all())
        start, now = progress.since(self.case), timezone.now()
        held = [
            m
            for m in self.case.meetings.filter(kind=kind.code)
            if m.starts_at >= start or m.created_at >= start
        ]
        if minutes:
            held = [m for m in held if m.starts_at <= now]
        if not held:
            self.hold_meeting(kind=kind)
        elif minutes and not Minutes.objects.filter(meeting__in=held).exists():
            self._write_minutes(held[0], self._meeting_text())

    def hold_meeting(self, text: MeetingText | None = None, *, kind=None) -> Meeting | None:
        """Book a meeting of the kind the current step calls for (in the past, unless the text
        says otherwise), and write its referat once it has begun. None when the guide offers no
        kind of meeting at the step."""
        kind = kind or self.kind_for(self.step())
        if kind is None:
            return None
        text = text or self._meeting_text()
        days = text.days_ago if text.days_ago is not None else self._tick_clock()
        starts_at = timezone.localtime(timezone.now() - dt.timedelta(days=days)).replace(
            hour=13, minute=0, second=0, microsecond=0
        )
        family = ", ".join(g.name for g in self.case.child.guardians.all())
        meeting = services.meeting_invite(
            case=self.case,
            user=self.holder,
            kind=kind.code,
            starts_at=starts_at,
            place=text.place,
            agenda=text.agenda,
            participants=[
                p for p in (self.holder, self.leader, *self.story.invited) if p is not None
            ],
            participant_services=list(services_in_case(self.case)),
            other_participants=text.other_participants or (family if kind.invite_family else ""),
        )
        if starts_at <= timezone.now():
            self._write_minutes(meeting, text)
        self.case.refresh_from_db()
        return meeting

    def _tick_clock(self) -> int:
        days, self._clock = self._clock, max(1, self._clock - 7)
        return days

    def _write_minutes(self, meeting: Meeting, text: MeetingText) -> None:
        services.minutes_save(meeting=meeting, user=self.holder, version=0, data=text.minutes)

    def _meeting_text(self) -> MeetingText:
        if self.story.meeting is not None:
            return self.story.meeting
        words = current_words()
        family = " og ".join(g.name for g in self.case.child.guardians.all())
        return MeetingText(
            place=self.story.place,
            agenda=f"{words.Concern_definite}: hva har vi sett, hvordan har barnet det, og hva "
            "gjør vi videre?",
            minutes={
                "present": f"{family}, {self.holder.get_full_name()}",
                "child_voice": self.story.child_view,
                "concern": f"{words.Concern_definite} ble gjennomgått sammen med foresatte.",
                "shared_understanding": "Foresatte kjenner seg igjen i det vi har sett.",
                "measures_agreed": "Vi prøver ut tiltak og ser an effekten.",
                "responsibilities": f"{self.holder.get_full_name()} følger opp.",
                "time_frame": "Fire uker",
                "effect_judgement": "Vi ser etter endring i hverdagen.",
                "next_meeting": "Om fire uker",
            },
        )

    def add_measure(self, text: MeasureText | None = None) -> Measure:
        """Add a measure (the story's, else a plain one), owned by the case's own service."""
        text = text or self.story.measure or self._plain_measure()
        today = timezone.localdate()
        started = today - dt.timedelta(days=text.started_days_ago)
        measure = services.measure_add(
            case=self.case,
            user=self.holder,
            description=text.description,
            goal=text.goal,
            location=text.location,
            responsible_service=self.case.owner_service,
            responsible_person=self.holder,
            starts_on=started,
            evaluation_due=max(started, today + dt.timedelta(days=text.evaluation_in_days)),
        )
        self.case.refresh_from_db()
        return measure

    def _plain_measure(self) -> MeasureText:
        return MeasureText(
            description="Fast voksen tar imot barnet om morgenen",
            goal="Roligere start på dagen fire av fem dager",
            location=self.story.place,
        )

    def evaluate(self) -> Evaluation:
        """Evaluate the active measure due first (adding one when there is none)."""
        measure = (
            Measure.objects.filter(case=self.case, status=Measure.Status.ACTIVE)
            .order_by("evaluation_due", "pk")
            .first()
        ) or self.add_measure()
        text = self.story.evaluation or EvaluationText(
            effect="Litt bedre: færre vanskelige morgener.",
            child_experience=self.story.child_view,
            guardians_view="Foresatte ser bedring hjemme også.",
        )
        ending = text.outcome == Evaluation.Outcome.END
        today = timezone.localdate()
        evaluation = services.evaluation_add(
            measure=measure,
            user=self.holder,
            effect=text.effect,
            child_experience=text.child_experience,
            guardians_view=text.guardians_view,
            outcome=text.outcome,
            evaluated_on=today,
            next_evaluation_due=None if ending else today + dt.timedelta(days=42),
        )
        self.case.refresh_from_db()
        return evaluation

    def bring_in_partner(self) -> None:
        """The story's partner service into the case, under the guardians' consent (recorded
        first when no active consent covers it)."""
        partner = self.story.partner
        if partner is None or partner.pk == self.case.owner_service_id:
            return
        covered = self.case.consents.filter(Consent.active_q(), services=partner).exists()
        if not covered:
            text = self.story.consent or ConsentText(purpose="Samarbeid om barnets trivsel")
            given_on = timezone.localdate() - dt.timedelta(days=text.given_days_ago)
            # From the guide's age for what is shared, the young person consents too.
            age = self.case.child.age_on(given_on)
            threshold = services.child_consent_age(case_guide(self.case), list(text.information))
            services.consent_record(
                case=self.case,
                user=self.holder,
                services=[partner],
                guardians=[
                    g for g in self.case.child.guardians.all() if g.has_parental_responsibility
                ],
                information=list(text.information),
                form=text.form,
                oral_note=(
                    "Foresatte samtykket i samtale; formålet ble forklart."
                    if text.form == Consent.Form.ORAL
                    else ""
                ),
                purpose=text.purpose,
                given_on=given_on,
                child_consented=age is not None and age >= threshold,
            )
        services.service_involve(case=self.case, user=self.holder, service=partner)
        self.case.refresh_from_db()

    def record_offers(self) -> None:
        """The level's offers (familiehjelpa, a coordinator, an individual plan) and the family's
        answer: they want familiehjelpa and a plan; the holder coordinates."""
        Answer = WideCollaboration.Answer
        services.wide_collaboration_save(
            case=self.case,
            user=self.holder,
            familiehjelpa=Answer.ACCEPTED,
            coordinator=self.holder,
            child_coordinator=None,
            individual_plan=Answer.ACCEPTED,
            note="Foresatte ønsker familiehjelpa og en individuell plan.",
        )
        self.case.refresh_from_db()
