"""What every write of familiehjelpa shares: the inquiry's history, the relay log of its cases,
the row lock, and moves on the board that follow from the work."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.audit import record
from bts.models import Service, User
from cases import services as case_services
from cases.events import CaseAudit
from cases.models import Case, RelayEntry

from .. import rules
from ..events import InquiryAudit, inquiry_ref
from ..models import Inquiry, InquiryEvent
from ..rules import MoveRefused
from ..selectors import linked_cases

State = Inquiry.State
FUTURE_SLACK = timedelta(minutes=5)


def changed(inquiry: Inquiry, user: User, what: str) -> None:
    """The audit event of a change to the inquiry, written in the change's transaction."""
    record(kind=InquiryAudit.INQUIRY_CHANGED, actor=user, detail=inquiry_ref(inquiry.pk, what))


def history_add(
    inquiry: Inquiry,
    user: User,
    kind: InquiryEvent.Kind,
    text: str,
    *,
    from_state: str = "",
    to_state: str = "",
) -> InquiryEvent:
    return InquiryEvent.objects.create(
        inquiry=inquiry,
        actor=user,
        kind=kind,
        text=text,
        from_state=from_state,
        to_state=to_state,
    )


def relay(inquiry: Inquiry, user: User, kind: RelayEntry.Kind, text: str) -> None:
    """A line in the relay log of each open case of the inquiry the user may see: a case whose
    consent no longer covers familiehjelpa gets nothing more from it."""
    for case in linked_cases(user, inquiry).filter(status=Case.Status.OPEN):
        case_services.relay_entry_add(case=case, user=user, kind=kind, text=text)


def lock(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.select_for_update().select_related("service").get(pk=inquiry.pk)


def require_open(inquiry: Inquiry) -> None:
    if not inquiry.is_open:
        raise ValidationError(_("Henvendelsen er avsluttet. Gjenåpne den først."))


def facts(inquiry: Inquiry, reason: str = "") -> rules.Facts:
    return rules.Facts(
        has_conversation=inquiry.conversations.exists(),
        has_family_contact=inquiry.family_contact_id is not None,
        on_child_team_agenda=inquiry.child_team_items.exists(),
        reason=reason,
    )


def apply_move(inquiry: Inquiry, user: User, to_state: str, reason: str = "") -> None:
    """Move the (locked) inquiry and log it: its history, the relay log of its cases."""
    from_state = inquiry.state
    inquiry.state, inquiry.state_changed_at = to_state, timezone.now()
    if to_state == State.CLOSED:
        inquiry.close_reason = reason.strip()
    inquiry.save(update_fields=["state", "state_changed_at", "close_reason"])
    labels = {"from": State(from_state).label, "to": State(to_state).label}
    text = _("Flyttet fra «%(from)s» til «%(to)s».") % labels
    if reason.strip():
        text += " " + _("Begrunnelse: %(reason)s") % {"reason": reason.strip()}
    history_add(
        inquiry, user, InquiryEvent.Kind.MOVED, text, from_state=from_state, to_state=to_state
    )
    relay(
        inquiry,
        user,
        RelayEntry.Kind.COORDINATION,
        _("Familiehjelpa: henvendelse %(n)s er flyttet fra «%(from)s» til «%(to)s».")
        % ({"n": inquiry.pk} | labels),
    )


def move_for_action(inquiry: Inquiry, to_state: str) -> bool:
    """Whether the work that leads to `to_state` (booking a conversation, assigning a family
    contact, the barneteam) moves the inquiry there. Raises MoveRefused when the inquiry is
    not ready for that work yet; an inquiry already further on keeps its state."""
    if inquiry.state == to_state:
        return False
    if rules.allows(inquiry.state, to_state):
        return True
    if inquiry.state == State.NEW:
        raise MoveRefused(_("Kartlegg henvendelsen først."))
    if inquiry.state == State.CLOSED:
        raise MoveRefused(_("Henvendelsen er avsluttet. Gjenåpne den først."))
    return False


def bring_in(case: Case, user: User, service: Service) -> None:
    """The service takes part in the case, under the consent that covers it (checked)."""
    if service.pk == case.owner_service_id:
        return
    if case.involvements.filter(service=service).exists():
        return
    case_services.service_involve(audited=False, case=case, user=user, service=service)


def case_changed(case_id: int, user: User, detail: str = "familiehjelpa") -> None:
    """The audit event of a change familiehjelpa made in a child's case."""
    record(kind=CaseAudit.CASE_CHANGED, actor=user, case_id=case_id, detail=detail)
