"""Measures (tiltak) with a goal, a responsible service and an evaluation date, and their
evaluations, which continue, change or end them."""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bts.idempotency import create_once
from bts.models import Service, User

from ..grants import grants_sync
from ..models import Case, Evaluation, Measure, RelayEntry
from ._common import _audit, _check_active, _check_services, _log, _short, for_case_municipality
from .decisions import child_voice_check, progress_advance


@for_case_municipality
def measure_add(
    *,
    case: Case,
    user: User,
    description: str,
    goal: str,
    location: str,
    responsible_service: Service,
    responsible_person: User | None = None,
    starts_on: date,
    ends_on: date | None = None,
    evaluation_due: date,
    idempotency_key: uuid.UUID | None = None,
) -> Measure:
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("Sluttdatoen kan ikke være før tiltaket starter.")})
    if evaluation_due < starts_on:
        raise ValidationError(
            {"evaluation_due": _("Evalueringsdatoen kan ikke være før tiltaket starter.")}
        )
    _check_services(case, [responsible_service])
    if responsible_person is not None:
        _check_active([responsible_person])

    @transaction.atomic
    def create() -> Measure:
        measure = Measure.objects.create(
            case=case,
            description=description.strip(),
            goal=goal.strip(),
            location=location.strip(),
            responsible_service=responsible_service,
            responsible_person=responsible_person,
            starts_on=starts_on,
            ends_on=ends_on,
            evaluation_due=evaluation_due,
            created_by=user,
            idempotency_key=idempotency_key,
        )
        grants_sync(case, [responsible_person])
        responsible = responsible_service.name
        if responsible_person is not None:
            responsible = f"{responsible} ({responsible_person})"
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.MEASURE,
            text=_(
                "Tiltak fra %(start)s: %(description)s Ansvarlig: %(responsible)s. "
                "Evalueres innen %(due)s."
            )
            % {
                "start": f"{starts_on:%d.%m.%Y}",
                "description": _short(measure.description).rstrip(" .") + ".",
                "responsible": responsible,
                "due": f"{evaluation_due:%d.%m.%Y}",
            },
        )
        progress_advance(case=case, user=user)
        _audit(user=user, case=case, detail="measure")
        return measure

    measure, _created = create_once(Measure, key=idempotency_key, create=create)
    return measure


@for_case_municipality
def evaluation_add(
    *,
    measure: Measure,
    user: User,
    effect: str,
    child_experience: str,
    guardians_view: str,
    child_not_heard: str = "",
    outcome: str,
    evaluated_on: date,
    next_evaluation_due: date | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Evaluation:
    """Evaluate a measure. "end" ends it (from the evaluation date unless it had an end date);
    "continue" and "change" move its evaluation date to the next evaluation."""
    ending = outcome == Evaluation.Outcome.END
    child_voice_check(child_experience, child_not_heard, field="child_experience")
    if not ending and next_evaluation_due is None:
        raise ValidationError(
            {"next_evaluation_due": _("Skriv når tiltaket skal evalueres neste gang.")}
        )

    @transaction.atomic
    def create() -> Evaluation:
        locked = (
            Measure.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=measure.pk)
        )
        if not locked.is_active:
            raise ValidationError(_("Tiltaket er allerede avsluttet."))
        evaluation = Evaluation.objects.create(
            measure=locked,
            effect=effect.strip(),
            child_experience=child_experience.strip(),
            child_not_heard="" if child_experience.strip() else child_not_heard,
            guardians_view=guardians_view.strip(),
            outcome=outcome,
            evaluated_on=evaluated_on,
            next_evaluation_due=None if ending else next_evaluation_due,
            created_by=user,
            idempotency_key=idempotency_key,
        )
        if ending:
            locked.status = Measure.Status.ENDED
            locked.ends_on = locked.ends_on or evaluated_on
        else:
            locked.evaluation_due = next_evaluation_due
        locked.save(update_fields=["status", "ends_on", "evaluation_due"])
        text = _("Tiltaket «%(description)s» er evaluert: %(outcome)s.") % {
            "description": _short(locked.description),
            "outcome": evaluation.get_outcome_display().lower(),
        }
        if not ending:
            text += " " + _("Neste evaluering innen %(due)s.") % {
                "due": f"{next_evaluation_due:%d.%m.%Y}"
            }
        _log(locked.case, actor=user, kind=RelayEntry.Kind.EVALUATION, text=text)
        progress_advance(case=locked.case, user=user)
        _audit(user=user, case=locked.case, detail="evaluation")
        return evaluation

    evaluation, _created = create_once(Evaluation, key=idempotency_key, create=create)
    return evaluation
