"""Responsibility: handing the case over (offered, then accepted or declined), following a case
one passed on, the coordinating service, nivå 3's wide collaboration, and a leader moving a
departing employee's cases."""

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.idempotency import create_once
from bts.models import Service, User
from levels import rules

from .. import notifications
from ..access import led_service_ids
from ..grants import grants_sync
from ..models import Case, Coordination, Handover, RelayEntry, Watch, WideCollaboration
from ..selectors import people_in_services
from ._common import _active_guide, _audit, _check_services, _log, _rules, for_case_municipality
from .decisions import progress_advance


@for_case_municipality
def handover_offer(
    *,
    case: Case,
    user: User,
    to_user: User,
    message: str = "",
    idempotency_key: uuid.UUID | None = None,
    audited: bool = True,
) -> Handover:
    """Offer the responsibility to another employee; nothing moves until they accept.
    `audited=False`: familiehjelpa's barneteam offers the case as one step of its decision,
    which writes the event."""
    if not case.is_open:
        raise ValidationError(_("Saken er avsluttet."))
    if to_user.pk == case.responsible_id:
        raise ValidationError(_("Personen er allerede oppfølgingsansvarlig."))
    if not to_user.is_active:
        raise ValidationError(_("Bare aktive brukere kan overta en sak."))

    @transaction.atomic
    def create() -> Handover:
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open or to_user.pk == locked.responsible_id:
            raise ValidationError(_("Saken er avsluttet eller allerede hos denne personen."))
        if case.handovers.filter(status=Handover.Status.OFFERED).exists():
            raise ValidationError(
                _("Saken er allerede tilbudt noen. Vent på svar, eller be dem avslå.")
            )
        handover = Handover.objects.create(
            case=case,
            from_user=user,
            to_user=to_user,
            message=message.strip(),
            idempotency_key=idempotency_key,
        )
        grants_sync(case, [to_user])
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.HANDOVER,
            text=_("Oppfølgingsansvaret er tilbudt %(to)s.") % {"to": to_user},
        )
        notifications.handover_offered(handover)
        if audited:
            _audit(user=user, case=case, detail="handover")
        return handover

    handover, _created = create_once(Handover, key=idempotency_key, create=create)
    return handover


@for_case_municipality
@transaction.atomic
def handover_answer(*, handover: Handover, user: User, accept: bool, answer: str = "") -> Handover:
    """The offered employee accepts (and becomes responsible) or declines, with a reason.

    Samtidighetsansvar: the one who passed the case on keeps it on their list with a reminder.
    """
    handover = Handover.objects.select_for_update().select_related("case").get(pk=handover.pk)
    if handover.to_user_id != user.pk:
        raise ValidationError(_("Bare den som har fått tilbudet kan svare."))
    if handover.status != Handover.Status.OFFERED:
        return handover
    if not accept and not answer.strip():
        raise ValidationError(_("Skriv hvorfor du avslår."))
    case = Case.objects.select_for_update().get(pk=handover.case_id)
    if accept and not case.is_open:
        raise ValidationError(_("Saken er avsluttet og kan ikke overtas."))
    handover.status = Handover.Status.ACCEPTED if accept else Handover.Status.DECLINED
    handover.answered_at, handover.answer = timezone.now(), answer.strip()
    handover.save(update_fields=["status", "answered_at", "answer"])
    previous = case.responsible
    if accept:
        case.responsible = user
        case.save(update_fields=["responsible"])
        remind_on = timezone.localdate() + timedelta(days=_active_guide().follow_up_max_days)
        Watch.objects.update_or_create(case=case, user=previous, defaults={"remind_on": remind_on})
        Watch.objects.filter(case=case, user=user).delete()
        text = _("%(to)s har overtatt som oppfølgingsansvarlig etter %(from)s.") % {
            "to": user,
            "from": previous,
        }
    else:
        text = _("%(to)s avslo å overta saken: %(answer)s") % {
            "to": user,
            "answer": handover.answer,
        }
    grants_sync(case, [user, previous])
    _log(case, actor=user, kind=RelayEntry.Kind.HANDOVER, text=text)
    _audit(user=user, case=case, detail="handover_answer")
    return handover


@for_case_municipality
@transaction.atomic
def watch_end(*, case: Case, user: User) -> None:
    """Stop following a case one passed on (the samtidighetsansvar is fulfilled)."""
    if Watch.objects.filter(case=case, user=user).delete()[0]:
        grants_sync(case, [user])
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.HANDOVER,
            text=_("%(who)s følger ikke lenger saken.") % {"who": user},
        )
        _audit(user=user, case=case, detail="watch_end")


@for_case_municipality
@transaction.atomic
def coordination_set(
    *,
    case: Case,
    user: User,
    service: Service,
    reason: str,
    child_view: str = "",
    audited: bool = True,
) -> Coordination:
    """Record which service coordinates the case; the previous one keeps its period in history.
    `audited` as for `handover_offer`."""
    if not reason.strip():
        raise ValidationError(_("Skriv hvorfor denne tjenesten skal koordinere."))
    _check_services(case, [service])
    Case.objects.select_for_update().filter(pk=case.pk).get()
    now = timezone.now()
    current = case.coordinations.filter(ends_at__isnull=True).first()
    if current and current.service_id == service.pk:
        return current
    case.coordinations.filter(ends_at__isnull=True).update(ends_at=now)
    coordination = Coordination.objects.create(
        case=case,
        service=service,
        starts_at=now,
        reason=reason.strip(),
        child_view=child_view.strip(),
        set_by=user,
    )
    _log(
        case,
        actor=user,
        kind=RelayEntry.Kind.COORDINATION,
        text=_("%(service)s har det koordinerende ansvaret. Begrunnelse: %(reason)s")
        % {"service": service, "reason": coordination.reason},
    )
    if audited:
        _audit(user=user, case=case, detail="coordination")
    return coordination


@for_case_municipality
@transaction.atomic
def wide_collaboration_save(
    *,
    case: Case,
    user: User,
    familiehjelpa: str,
    coordinator: User | None,
    child_coordinator: User | None,
    individual_plan: str,
    note: str = "",
    audited: bool = True,
) -> WideCollaboration:
    """Nivå 3: record what familiehjelpa, a coordinator, a barnekoordinator and an individual
    plan were offered, and the family's answer. `audited` as for `handover_offer`."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    levels = _rules().levels_requiring("offers")
    if case.level not in levels:
        raise ValidationError(
            _("Veilederen ber om disse tilbudene på nivå %(levels)s.")
            % {"levels": rules.levels_text(levels)}
        )
    before = WideCollaboration.objects.filter(case=case).first()
    same = before and (
        before.familiehjelpa,
        before.coordinator_id,
        before.child_coordinator_id,
        before.individual_plan,
        before.note,
    ) == (
        familiehjelpa,
        coordinator.pk if coordinator else None,
        child_coordinator.pk if child_coordinator else None,
        individual_plan,
        note.strip(),
    )
    if same:
        return before  # a double submit, or nothing changed: no second log line
    wide, _created = WideCollaboration.objects.update_or_create(
        case=case,
        defaults={
            "familiehjelpa": familiehjelpa,
            "coordinator": coordinator,
            "child_coordinator": child_coordinator,
            "individual_plan": individual_plan,
            "note": note.strip(),
            "updated_by": user,
        },
    )
    previous = [before.coordinator, before.child_coordinator] if before else []
    grants_sync(case, [coordinator, child_coordinator, *previous])
    parts = [
        _("Familiehjelpa: %(a)s") % {"a": wide.get_familiehjelpa_display().lower()},
        _("koordinator: %(c)s") % {"c": coordinator or _("ikke valgt")},
        _("barnekoordinator: %(c)s") % {"c": child_coordinator or _("ikke valgt")},
        _("individuell plan: %(a)s") % {"a": wide.get_individual_plan_display().lower()},
    ]
    _log(case, actor=user, kind=RelayEntry.Kind.WIDE, text="; ".join(parts) + ".")
    progress_advance(case=case, user=user)
    if audited:
        _audit(user=user, case=case, detail="wide")
    return wide


@transaction.atomic
def cases_reassign_all(*, leader: User, from_user: User, to_user: User, reason: str) -> int:
    """A leader moves every open case a departing employee holds in the leader's services to
    another employee, in one action (no acceptance step: the leader decides). Returns how many."""
    if not reason.strip():
        raise ValidationError(_("Skriv hvorfor sakene overføres."))
    led = led_service_ids(leader)
    if from_user.pk == to_user.pk:
        raise ValidationError(_("Velg en annen person å overføre til."))
    staff = people_in_services(Service.objects.filter(pk__in=led))
    if not staff.filter(pk=to_user.pk).exists():
        raise ValidationError(_("Den som overtar, må jobbe i en tjeneste du leder."))
    cases = list(
        Case.objects.select_for_update()
        .filter(responsible=from_user, status=Case.Status.OPEN, owner_service_id__in=led)
        .order_by("pk")
    )
    for case in cases:
        offered = list(case.handovers.filter(status=Handover.Status.OFFERED))
        case.handovers.filter(pk__in=[h.pk for h in offered]).update(
            status=Handover.Status.DECLINED,
            answered_at=timezone.now(),
            answer=_("Ansvaret ble overført av leder."),
        )
        case.responsible = to_user
        case.save(update_fields=["responsible"])
        grants_sync(case, [from_user, to_user, *(h.to_user for h in offered)])
        _log(
            case,
            actor=leader,
            kind=RelayEntry.Kind.HANDOVER,
            text=_("%(leader)s overførte oppfølgingsansvaret fra %(from)s til %(to)s: %(reason)s")
            % {"leader": leader, "from": from_user, "to": to_user, "reason": reason.strip()},
        )
    if cases:
        notifications.cases_reassigned(to_user, count=len(cases))
        # One event for the whole move, with its count; moving nothing is no change.
        _audit(user=leader, detail=f"reassign_all:{len(cases)}")
    return len(cases)
