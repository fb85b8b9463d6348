"""Barneteam: a border case on the team's agenda, and the team's decision on who follows up."""

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.audit import record
from bts.idempotency import create_once
from bts.models import Service, User
from cases import services as case_services
from cases.events import CaseAudit
from cases.models import Case, RelayEntry
from cases.selectors import people_in_services
from levels.selectors import active_guide, kind_for_purpose

from ..models import ChildTeamItem, Inquiry, InquiryEvent
from ..selectors import linked_cases
from .common import (
    State,
    apply_move,
    bring_in,
    case_changed,
    history_add,
    lock,
    move_for_action,
    require_open,
)


def child_team_kind() -> str:
    """The guide's meeting kind for barneteam; a guide without one has no barneteam."""
    kind = kind_for_purpose(active_guide(), "child_team")
    if kind is None:
        raise ValidationError(_("Veilederen har ingen møtetype for barneteam."))
    return kind


def child_team_refer(
    *,
    inquiry: Inquiry,
    user: User,
    case: Case,
    question: str,
    starts_at: datetime,
    place: str,
    idempotency_key: uuid.UUID | None = None,
) -> ChildTeamItem:
    """Put a border case on the barneteam's agenda: a barneteam meeting in the case at the
    team's next meeting (or the one the team leader sets), with the question for the team."""
    errors = {}
    if not question.strip():
        errors["question"] = _("Skriv hva barneteamet skal ta stilling til.")
    if not place.strip():
        errors["place"] = _("Skriv hvor barneteamet møtes.")
    if errors:
        raise ValidationError(errors)

    @transaction.atomic
    def create() -> ChildTeamItem:
        locked = lock(inquiry)
        require_open(locked)
        if not linked_cases(user, locked).filter(pk=case.pk, status=Case.Status.OPEN).exists():
            raise ValidationError({"case": _("Velg en åpen sak som henvendelsen gjelder.")})
        moves = move_for_action(locked, State.CHILD_TEAM)
        waiting = ChildTeamItem.objects.filter(case=case, decided_at__isnull=True).first()
        if waiting:
            day = timezone.localtime(waiting.meeting.starts_at)
            message = _("Saken står allerede på barneteamets sakliste %(date)s.") % {
                "date": f"{day:%d.%m.%Y}"
            }
            raise ValidationError({"case": message})
        participants = [user]
        if locked.family_contact_id and locked.family_contact.is_active:
            participants.append(locked.family_contact)
        meeting = case_services.meeting_invite(
            audited=False,
            case=case,
            user=user,
            kind=child_team_kind(),
            starts_at=starts_at,
            place=place,
            agenda=question,
            participants=participants,
            participant_services=[locked.service],
        )
        item = ChildTeamItem.objects.create(
            inquiry=locked,
            case=case,
            meeting=meeting,
            question=question.strip(),
            referred_by=user,
            idempotency_key=idempotency_key,
        )
        when = f"{timezone.localtime(starts_at):%d.%m.%Y}"
        history_add(
            locked,
            user,
            InquiryEvent.Kind.CHILD_TEAM,
            _("Sak %(case)s er meldt inn til barneteamet %(date)s.")
            % {"case": case.pk, "date": when},
        )
        case_services.relay_entry_add(
            case=case,
            user=user,
            kind=RelayEntry.Kind.MEETING,
            text=_(
                "Familiehjelpa har meldt saken inn til barneteamet %(date)s: hvilken tjeneste "
                "skal ha oppfølgingsansvaret?"
            )
            % {"date": when},
        )
        if moves:
            apply_move(locked, user, State.CHILD_TEAM)
        case_changed(case.pk, user)
        return item

    item, _created = create_once(ChildTeamItem, key=idempotency_key, create=create)
    return item


@transaction.atomic
def child_team_decide(
    *,
    item: ChildTeamItem,
    user: User,
    service: Service,
    reason: str,
    child_view: str = "",
    offer_to: User | None = None,
) -> ChildTeamItem:
    """Record the barneteam's decision: which service has the follow-up responsibility, why,
    and the child's view. That service comes into the case (under consent), becomes the
    coordinating service, and the responsibility is offered to the person in it who is to hold
    the case; it moves when they accept (the case's handover), and the log shows each step."""
    item = (
        ChildTeamItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "case", "inquiry__service")
        .get(pk=item.pk)
    )
    if item.is_decided:
        return item
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Skriv hvorfor barneteamet besluttet dette.")
    meeting_day = timezone.localdate(item.meeting.starts_at)
    if meeting_day > timezone.localdate():
        errors["service"] = _("Beslutningen registreres når barneteamet har møttes (%(date)s).") % {
            "date": f"{meeting_day:%d.%m.%Y}"
        }
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().select_related("responsible").get(pk=item.case_id)
    if not case.is_open:
        raise ValidationError({"service": _("Saken er avsluttet.")})
    try:
        bring_in(case, user, service)
    except case_services.ConsentMissing as exc:
        raise ValidationError({"service": str(exc)}) from exc
    holder_in_service = people_in_services([service]).filter(pk=case.responsible_id).exists()
    if offer_to is None and not holder_in_service:
        message = _("Velg hvem i %(service)s som skal tilbys oppfølgingsansvaret.") % {
            "service": service.name
        }
        raise ValidationError({"offer_to": message})
    if offer_to is not None and not people_in_services([service]).filter(pk=offer_to.pk).exists():
        message = _("%(who)s jobber ikke i %(service)s.") % {
            "who": offer_to,
            "service": service.name,
        }
        raise ValidationError({"offer_to": message})
    date_text = f"{meeting_day:%d.%m.%Y}"
    text = _(
        "Barneteamet besluttet %(date)s at %(service)s har oppfølgingsansvaret. "
        "Begrunnelse: %(reason)s"
    ) % {"date": date_text, "service": service.name, "reason": reason.strip()}
    if child_view.strip():
        text += " " + _("Barnets syn: %(view)s") % {"view": child_view.strip()}
    case_services.relay_entry_add(case=case, user=user, kind=RelayEntry.Kind.DECISION, text=text)
    case_services.coordination_set(
        audited=False,
        case=case,
        user=user,
        service=service,
        reason=_("Barneteamets beslutning %(date)s: %(reason)s")
        % {"date": date_text, "reason": reason.strip()},
        child_view=child_view,
    )
    offered = None
    if offer_to is not None and offer_to.pk != case.responsible_id:
        case_services.handover_offer(
            audited=False,
            case=case,
            user=user,
            to_user=offer_to,
            message=_("Barneteamet har besluttet at %(service)s har oppfølgingsansvaret.")
            % {"service": service.name},
        )
        offered = offer_to
    item.decided_service, item.decision_reason = service, reason.strip()
    item.child_view, item.offered_to = child_view.strip(), offered
    item.decided_by, item.decided_at = user, timezone.now()
    item.save()
    history = _("Barneteamet besluttet at %(service)s har oppfølgingsansvaret i sak %(case)s.") % {
        "service": service.name,
        "case": case.pk,
    }
    if offered:
        history += " " + _("Ansvaret er tilbudt %(who)s.") % {"who": offered}
    history_add(item.inquiry, user, InquiryEvent.Kind.CHILD_TEAM, history)
    # Named as familiehjelpa's other barneteam events are (familiehjelpa.access).
    detail = "familiehjelpa:barneteam"
    record(kind=CaseAudit.CASE_DECIDED, actor=user, case_id=case.pk, detail=detail)
    return item
