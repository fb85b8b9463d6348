"""The case's way through the guide: notes, the steps and their checklists, decisions at the
decision steps, and the report to barnevern (which no step waits for)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.idempotency import create_once
from bts.models import Service, User
from levels.models import Step
from levels.rules import CLOSED, Move, MoveRefused, check_move

from ..events import CaseAudit
from ..grants import grants_sync
from ..models import Case, ChildProtectionReport, Decision, Handover, RelayEntry, StepCheck
from ..selectors import services_with_consent
from ._common import _active_guide, _audit, _first_step_code, _log, _steps


def note_add(
    *, case: Case, user: User, text: str, idempotency_key: uuid.UUID | None = None
) -> RelayEntry:
    @transaction.atomic
    def create() -> RelayEntry:
        entry = _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.NOTE,
            text=text.strip(),
            idempotency_key=idempotency_key,
        )
        _audit(user=user, case=case, detail="note")
        return entry

    entry, _created = create_once(RelayEntry, key=idempotency_key, create=create)
    return entry


@transaction.atomic
def step_complete(*, case: Case, user: User, step_code: str, summary: str) -> Case:
    """Mark the current step done and move to the next step of the level.

    `step_code` is the step the user saw: if someone else moved the case meanwhile, nothing
    happens twice (and nothing is audited as changed). A decision step is not completed but
    decided (`case_decide`).
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.step_code != step_code:
        return case
    steps = _steps(_active_guide(), case.level)
    codes = [s.code for s in steps]
    if step_code not in codes:
        raise ValidationError(_("Trinnet finnes ikke på sakens nivå i veilederen."))
    current = steps[codes.index(step_code)]
    if current.is_decision:
        raise ValidationError(_("Dette trinnet avsluttes med en beslutning."))
    if codes.index(step_code) + 1 >= len(codes):
        raise ValidationError(_("Dette er siste trinn på nivået."))
    text = _("%(code)s %(title)s er gjort.") % {"code": current.code, "title": current.title}
    ticked = set(case.step_checks.filter(step_code=step_code).values_list("item", flat=True))
    done = [item for item in current.checklist_items if item in ticked]
    if current.checklist_items:
        text += " " + _("Sjekkliste: %(done)s av %(all)s punkter.") % {
            "done": len(done),
            "all": len(current.checklist_items),
        }
    if summary.strip():
        text = f"{text} {summary.strip()}"
    _log(case, actor=user, kind=RelayEntry.Kind.STEP_DONE, text=text)
    case.step_code = codes[codes.index(step_code) + 1]
    case.save(update_fields=["step_code"])
    _audit(user=user, case=case, detail="step")
    return case


@transaction.atomic
def checklist_save(*, case: Case, user: User, step_code: str, checked: set[str]) -> set[str]:
    """Record which checklist items of the case's current step are done; return that set.

    Only the guide's own items for the step count; a stale form for an earlier step is refused.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if step_code != case.step_code:
        raise ValidationError(_("Saken har gått videre til et annet trinn. Last siden på nytt."))
    step = Step.objects.filter(level__guide=_active_guide(), code=step_code).first()
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


def case_decide(
    *,
    case: Case,
    user: User,
    to_level: int | None,
    reason: str,
    child_view: str = "",
    step_code: str | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Decision:
    """Decide at a decision step: close, continue, raise or lower, always with a reason.

    `step_code` is the step the decider saw; if the case has moved since (someone else decided),
    the decision is refused rather than applied to a case they have not seen. Raises
    MoveRefused when the step, the transition table or its conditions do not allow the move.
    """
    if not reason.strip():
        raise ValidationError(_("Skriv hvorfor dere beslutter dette."))

    @transaction.atomic
    def create() -> Decision:
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise MoveRefused(_("Saken er allerede avsluttet."))
        if step_code is not None and step_code != locked.step_code:
            raise MoveRefused(
                _("Saken har endret seg siden du åpnet siden: den er nå på trinn %(step)s.")
                % {"step": locked.step_code}
            )
        step = Step.objects.filter(level__guide=_active_guide(), code=locked.step_code).first()
        if step is None or not step.is_decision:
            raise MoveRefused(
                _("Beslutningen tas på nivåets beslutningstrinn. Fullfør trinnene før det først.")
            )
        move = check_move(
            locked.level, to_level, services_with_consent=services_with_consent(locked)
        )
        decision = Decision.objects.create(
            case=locked,
            from_level=locked.level,
            to_level=to_level,
            move=move,
            step_code=locked.step_code,
            reason=reason.strip(),
            child_view=child_view.strip(),
            decided_by=user,
            idempotency_key=idempotency_key,
        )
        if to_level is CLOSED:
            text = _("Saken er avsluttet. Begrunnelse: %(reason)s")
        elif move == Move.CONTINUE:
            text = _("Saken fortsetter på nivå %(to)s. Begrunnelse: %(reason)s")
        else:
            text = _("Saken går fra nivå %(from)s til nivå %(to)s. Begrunnelse: %(reason)s")
        _log(
            locked,
            actor=user,
            kind=RelayEntry.Kind.DECISION,
            text=text % {"from": locked.level, "to": to_level, "reason": decision.reason},
        )
        if to_level is CLOSED:
            locked.status, locked.closed_at = Case.Status.CLOSED, timezone.now()
            offered = list(locked.handovers.filter(status=Handover.Status.OFFERED))
            locked.handovers.filter(pk__in=[h.pk for h in offered]).update(
                status=Handover.Status.DECLINED,
                answered_at=locked.closed_at,
                answer=_("Saken ble avsluttet."),
            )
            grants_sync(locked, [h.to_user for h in offered])
        else:
            locked.level = to_level
            locked.step_code = _first_step_code(_active_guide(), to_level)
        locked.decision_due = None
        locked.save(update_fields=["status", "closed_at", "level", "step_code", "decision_due"])
        _audit(user=user, case=locked, kind=CaseAudit.CASE_DECIDED)
        return decision

    decision, _created = create_once(Decision, key=idempotency_key, create=create)
    return decision


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
