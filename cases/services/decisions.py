"""The case's way through the guide: notes, the steps and their checklists, decisions at the
decision steps, and the report to barnevern (which no step waits for)."""

import uuid
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.idempotency import create_once
from bts.models import Service, User
from levels import requirements, rules
from levels.models import Step
from levels.rules import CLOSED, Move, MoveRefused, check_move
from levels.selectors import guide_step

from .. import progress
from ..access import led_service_ids
from ..case_page import case_page
from ..events import CaseAudit
from ..grants import grants_sync
from ..models import (
    Case,
    ChildNotHeard,
    ChildProtectionReport,
    Decision,
    DecisionProposal,
    Handover,
    RelayEntry,
    StepCheck,
)
from ..selectors import services_with_consent
from ._common import _active_guide, _audit, _check_serve, _log, _rules, for_case_municipality


@for_case_municipality
def note_add(
    *,
    case: Case,
    user: User,
    text: str,
    shared_from: date | None = None,
    protected_address: bool = False,
    idempotency_key: uuid.UUID | None = None,
) -> RelayEntry:
    """A note in the relay log; with `shared_from`, kept from the family until that day; with
    `protected_address`, from any guardian not under a strictly confidential address."""

    @transaction.atomic
    def create() -> RelayEntry:
        held = shared_from is not None
        entry = _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.NOTE,
            text=text.strip(),
            idempotency_key=idempotency_key,
            shared_from=(
                datetime.combine(shared_from, time.min, tzinfo=timezone.get_current_timezone())
                if held
                else None
            ),
            protected_address=protected_address,
        )
        _audit(user=user, case=case, detail="note")
        return entry

    entry, _created = create_once(RelayEntry, key=idempotency_key, create=create)
    return entry


def _page(case: Case) -> Case:
    """The case with the collections its step's requirements are checked against (one query)."""
    return case_page(Case.objects.filter(pk=case.pk))


def _step_text(step: Step) -> str:
    return _("%(code)s %(title)s er gjort.") % {"code": step.code, "title": step.title}


def _close(case: Case) -> None:
    """Close the case: offered handovers lapse (and their grants with them)."""
    case.status, case.closed_at = Case.Status.CLOSED, timezone.now()
    offered = list(case.handovers.filter(status=Handover.Status.OFFERED))
    case.handovers.filter(pk__in=[h.pk for h in offered]).update(
        status=Handover.Status.DECLINED,
        answered_at=case.closed_at,
        answer=_("Saken ble avsluttet."),
    )
    grants_sync(case, [h.to_user for h in offered])


def _move_past(case: Case, user: User, step: Step, text: str) -> None:
    """Log the step as done and move the case to the step after it; after the last closing
    step the case is closed. `case` is locked by the caller."""
    try:
        after = rules.step_after(_rules(), case.level, step.code)
    except rules.MoveRefused as exc:
        raise ValidationError(str(exc)) from exc
    _log(case, actor=user, kind=RelayEntry.Kind.STEP_DONE, text=text)
    if after is None:
        _close(case)
        _log(case, actor=user, kind=RelayEntry.Kind.STEP_DONE, text=_("Saken er avsluttet."))
    else:
        case.step_code = after
    case.save(update_fields=["step_code", "status", "closed_at"])


@for_case_municipality
@transaction.atomic
def step_complete(
    *, case: Case, user: User, step_code: str, summary: str, skip_reason: str = ""
) -> Case:
    """Mark the current step done and move on: to the next step of the level, or through the
    closing steps to closing the case.

    The step must have what the guide requires of it (cases.progress), unless `skip_reason`
    says why it is done without; what was skipped and why stays in the log. `step_code` is the
    step the user saw: if someone else moved the case meanwhile, nothing happens twice (and
    nothing is audited as changed). A decision step is not completed but decided
    (`case_decide`).
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.step_code != step_code or not case.is_open:
        return case
    step = guide_step(_active_guide(), step_code)
    if step is None or step.level.number != case.level:
        raise ValidationError(_("Trinnet finnes ikke på sakens nivå i veilederen."))
    if step.is_decision:
        raise ValidationError(_("Dette trinnet avsluttes med en beslutning."))
    missing = progress.unmet(_page(case), step)
    if missing and not skip_reason.strip():
        raise ValidationError(
            {
                "skip_reason": _(
                    "Dette gjenstår: %(missing)s. Gjør det først, eller skriv hvorfor "
                    "trinnet er gjort uten."
                )
                % {"missing": "; ".join(r.label.lower() for r in missing)}
            }
        )
    text = _step_text(step)
    ticked = {c.item for c in case.step_checks.filter(step_code=step_code)}
    done = [item for item in step.checklist_items if item in ticked]
    if step.checklist_items:
        text += " " + _("Sjekkliste: %(done)s av %(all)s punkter.") % {
            "done": len(done),
            "all": len(step.checklist_items),
        }
    if missing:
        text += " " + _("Gjort uten: %(missing)s. Hvorfor: %(reason)s") % {
            "missing": "; ".join(r.label.lower() for r in missing),
            "reason": skip_reason.strip(),
        }
    if summary.strip():
        text = f"{text} {summary.strip()}"
    _move_past(case, user, step, text)
    progress_advance(case=case, user=user)  # the next step may have what it needs already
    _audit(user=user, case=case, detail="step")
    case.refresh_from_db()
    return case


@for_case_municipality
def progress_advance(*, case: Case, user: User) -> None:
    """After an action that adds a fact of the case (a meeting booked, a referat written, a
    measure, an evaluation, a consent, the level's offers): if the current step needed that kind
    of fact and now has everything it needs, it is done, and so on for the steps after it.
    Runs inside the action's transaction; the action's own audit event covers it."""
    guide = _active_guide()
    steps = sum(len(level.steps.all()) for level in guide.levels.all())
    for _round in range(steps):  # each round passes one step; none is passed twice
        locked = Case.objects.select_for_update().get(pk=case.pk)
        step = guide_step(guide, locked.step_code) if locked.is_open else None
        if step is None or step.is_decision or not requirements.FACTS & set(step.requires):
            return
        needs = progress.step_requirements(_page(locked), step)
        if not all(r.done for r in needs):
            return
        met = "; ".join(r.label.lower() for r in needs)
        text = _("%(done)s Oppfylt: %(met)s.") % {"done": _step_text(step), "met": met}
        _move_past(locked, user, step, text)


@for_case_municipality
@transaction.atomic
def checklist_save(*, case: Case, user: User, step_code: str, checked: set[str]) -> set[str]:
    """Record which checklist items of the case's current step are done; return that set.

    Only the guide's own items for the step count; a stale form for an earlier step is refused.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if step_code != case.step_code:
        raise ValidationError(_("Saken har gått videre til et annet trinn. Last siden på nytt."))
    step = guide_step(_active_guide(), step_code)
    allowed = set(step.checklist_items) if step else set()
    checked &= allowed
    existing = set(case.step_checks.filter(step_code=step_code).values_list("item", flat=True))
    StepCheck.objects.bulk_create(
        StepCheck(case=case, step_code=step_code, item=item, checked_by=user)
        for item in sorted(checked - existing)
    )
    removed = case.step_checks.filter(step_code=step_code, item__in=existing - checked).delete()[0]
    if checked - existing or removed:
        _audit(user=user, case=case, detail="checklist")
    return checked


def child_voice_check(child_view: str, child_not_heard: str, *, field: str = "child_view") -> None:
    """The child's voice is recorded, or why it is not: never just left empty."""
    if child_view.strip() or child_not_heard in ChildNotHeard.values:
        return
    raise ValidationError(
        {
            field: _(
                "Skriv hva barnet selv mener, eller velg hvorfor barnet ikke er hørt denne gangen."
            )
        }
    )


def _leads(user: User, case: Case) -> bool:
    return case.owner_service_id in led_service_ids(user)


def _where(to_level: int | None) -> str:
    if to_level is CLOSED:
        return _("avslutte saken")
    return _("nivå %(level)s") % {"level": to_level}


@for_case_municipality
def case_decide(
    *,
    case: Case,
    user: User,
    to_level: int | None,
    reason: str,
    child_view: str = "",
    child_not_heard: str = "",
    step_code: str | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Decision | DecisionProposal:
    """Decide at a decision step: close, continue, raise or lower, always with a reason and the
    child's voice (or why it is not heard).

    Where the guide has the leader take the level's decision and the user does not lead the
    case's service, this is a proposal: it waits for a leader to confirm it
    (`proposal_answer`), and the case does not move until then.

    `step_code` is the step the decider saw; if the case has moved since (someone else decided),
    the decision is refused rather than applied to a case they have not seen. Raises
    MoveRefused when the step, the transition table or its conditions do not allow the move.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor dere beslutter dette.")})
    child_voice_check(child_view, child_not_heard)
    if idempotency_key is not None:
        earlier = DecisionProposal.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier

    @transaction.atomic
    def create() -> Decision | DecisionProposal:
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if idempotency_key is not None:
            # A double submit that waited for the first one's lock: the first one's record.
            for model in (Decision, DecisionProposal):
                if earlier := model.objects.filter(idempotency_key=idempotency_key).first():
                    return earlier
        table = _check_decision(locked, step_code)
        rule = table.rule(locked.level)
        check_move(
            table, locked.level, to_level, services_with_consent=services_with_consent(locked)
        )
        if locked.proposals.filter(status=DecisionProposal.Status.PENDING).exists():
            raise MoveRefused(_("Et forslag til beslutning venter allerede på leder."))
        facts = {
            "reason": reason.strip(),
            "child_view": child_view.strip(),
            "child_not_heard": "" if child_view.strip() else child_not_heard,
        }
        if rule.leader_decides and not _leads(user, locked):
            proposal = DecisionProposal.objects.create(
                case=locked,
                from_level=locked.level,
                to_level=to_level,
                step_code=locked.step_code,
                proposed_by=user,
                idempotency_key=idempotency_key,
                **facts,
            )
            _log(
                locked,
                actor=user,
                kind=RelayEntry.Kind.PROPOSAL,
                text=_(
                    "Forslag: %(where)s (veilederen sier at leder tar denne beslutningen; saken "
                    "venter på leders bekreftelse). Begrunnelse: %(reason)s"
                )
                % {"where": _where(to_level), "reason": proposal.reason},
            )
            _audit(user=user, case=locked, detail="proposal")
            return proposal
        return _apply(locked, user, to_level, facts, idempotency_key=idempotency_key)

    decision, _created = create_once(Decision, key=idempotency_key, create=create)
    return decision


def _check_decision(locked: Case, step_code: str | None) -> rules.Table:
    if not locked.is_open:
        raise MoveRefused(_("Saken er allerede avsluttet."))
    if step_code is not None and step_code != locked.step_code:
        raise MoveRefused(
            _("Saken har endret seg siden du åpnet siden: den er nå på trinn %(step)s.")
            % {"step": locked.step_code}
        )
    table = _rules()
    if locked.step_code != table.rule(locked.level).decision_step:
        raise MoveRefused(
            _("Beslutningen tas på nivåets beslutningstrinn. Fullfør trinnene før det først.")
        )
    return table


def _apply(
    locked: Case,
    user: User,
    to_level: int | None,
    facts: dict,
    *,
    proposed_by: User | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Decision:
    """The decision made final: recorded, logged, and the case moved where the guide says."""
    table = _rules()
    move = check_move(
        table, locked.level, to_level, services_with_consent=services_with_consent(locked)
    )
    decision = Decision.objects.create(
        case=locked,
        from_level=locked.level,
        to_level=to_level,
        move=move,
        step_code=locked.step_code,
        decided_by=user,
        proposed_by=proposed_by,
        idempotency_key=idempotency_key,
        **facts,
    )
    after = rules.step_after_decision(table, locked.level, to_level)
    if to_level is CLOSED and after is not None:
        text = _("Saken skal avsluttes: først trinn %(step)s. Begrunnelse: %(reason)s")
    elif to_level is CLOSED:
        text = _("Saken er avsluttet. Begrunnelse: %(reason)s")
    elif move == Move.CONTINUE:
        text = _("Saken fortsetter på nivå %(to)s, trinn %(step)s. Begrunnelse: %(reason)s")
    else:
        text = _("Saken går fra nivå %(from)s til nivå %(to)s. Begrunnelse: %(reason)s")
    text %= {"from": locked.level, "to": to_level, "step": after, "reason": decision.reason}
    if proposed_by is not None:
        text += " " + _("Foreslått av %(holder)s, bekreftet av leder %(leader)s.") % {
            "holder": proposed_by,
            "leader": user,
        }
    _log(locked, actor=user, kind=RelayEntry.Kind.DECISION, text=text)
    if to_level is CLOSED and after is None:
        _close(locked)
    elif to_level is CLOSED:
        locked.step_code = after
    else:
        locked.level, locked.step_code = to_level, after
    locked.decision_due = None
    locked.save(update_fields=["status", "closed_at", "level", "step_code", "decision_due"])
    if locked.is_open and to_level is not CLOSED:
        # A new round through the level starts with its checklists empty (the log keeps each
        # completed step's tally).
        locked.step_checks.filter(step_code__in=table.rule(to_level).path).delete()
    progress_advance(case=locked, user=user)
    _audit(user=user, case=locked, kind=CaseAudit.CASE_DECIDED)
    return decision


@for_case_municipality
@transaction.atomic
def proposal_answer(
    *, proposal: DecisionProposal, user: User, confirm: bool, answer: str = ""
) -> DecisionProposal:
    """A leader of the case's service confirms the holder's proposal (the decision is then
    final, and the log shows both) or does not (saying why; the case stays where it is)."""
    locked = Case.objects.select_for_update().get(pk=proposal.case_id)
    proposal = DecisionProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        return proposal  # answered already (a double submit, or another leader)
    if not _leads(user, locked):
        raise MoveRefused(_("Bare leder for tjenesten som eier saken kan bekrefte."))
    if not confirm and not answer.strip():
        raise ValidationError({"answer": _("Skriv hvorfor forslaget ikke bekreftes.")})
    proposal.answered_by, proposal.answered_at = user, timezone.now()
    proposal.answer = answer.strip()
    if confirm:
        _check_decision(locked, proposal.step_code)
        proposal.status = DecisionProposal.Status.CONFIRMED
        proposal.save(update_fields=["status", "answered_by", "answered_at", "answer"])
        facts = {
            "reason": proposal.reason,
            "child_view": proposal.child_view,
            "child_not_heard": proposal.child_not_heard,
        }
        _apply(locked, user, proposal.to_level, facts, proposed_by=proposal.proposed_by)
        return proposal
    proposal.status = DecisionProposal.Status.REJECTED
    proposal.save(update_fields=["status", "answered_by", "answered_at", "answer"])
    _log(
        locked,
        actor=user,
        kind=RelayEntry.Kind.PROPOSAL,
        text=_("Leder bekreftet ikke forslaget (%(where)s): %(answer)s")
        % {"where": _where(proposal.to_level), "answer": proposal.answer},
    )
    _audit(user=user, case=locked, detail="proposal_rejected")
    return proposal


@for_case_municipality
def report_file(
    *,
    case: Case,
    user: User,
    reported_at,
    channel: str,
    reason: str,
    police_contacted: bool = False,
    received_by: Service | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> ChildProtectionReport:
    """Record a report to barnevern (opplysningsplikt). No consent; guardians are not told.
    When the barnevern service that received it works in BTS, its leader sees the case."""
    if received_by is not None and received_by.kind != Service.Kind.CHILD_PROTECTION:
        raise ValidationError(_("Meldingen må gå til en barneverntjeneste."))
    if received_by is not None:
        _check_serve(case, [received_by])

    @transaction.atomic
    def create() -> ChildProtectionReport:
        report = ChildProtectionReport.objects.create(
            case=case,
            reported_at=reported_at,
            channel=channel,
            reason=reason.strip(),
            police_contacted=police_contacted,
            received_by=received_by,
            reported_by=user,
            idempotency_key=idempotency_key,
        )
        text = _("Melding sendt til barnevernet (%(channel)s).") % {
            "channel": report.get_channel_display().lower()
        }
        if received_by is not None:
            text = _("Melding sendt til %(service)s (%(channel)s).") % {
                "service": received_by.name,
                "channel": report.get_channel_display().lower(),
            }
        if police_contacted:
            text += " " + _("Politiet er kontaktet.")
        _log(case, actor=user, kind=RelayEntry.Kind.REPORT, text=text)
        _audit(user=user, case=case, kind=CaseAudit.REPORT_FILED)
        return report

    report, _created = create_once(ChildProtectionReport, key=idempotency_key, create=create)
    return report
