"""Who may see and do what in familiehjelpa: one rule answers both "which inquiries" and "may
this user do X", and the functions here grant a read by id and write that read's audit event.

Inquiries are familiehjelpa's own records. The team leader (role `familiehjelpa_leader` in a
familiehjelpa service) sees and triages every inquiry of that service; a family contact (role
`family_contact`) sees the inquiries they are the family contact for, and works on them
(conversations, DUKEN). Nobody else sees an inquiry at all: it is a 404, like a case, noted as a
refused attempt; one they see but may not change is a 403, noted too. What an inquiry says about
a child is read from the child's case, through `cases.access.visible_cases`.
"""

from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from bts import audit
from bts.audit import record, refuse
from bts.models import Role, Service, User
from bts.selectors import user_memberships
from cases import access as case_access
from cases import reads as case_reads
from cases.access import case_visible_q
from cases.events import CaseAudit
from cases.models import Case

from .events import InquiryAudit, inquiry_ref
from .models import ChildTeamItem, DukenVersion, Inquiry


class Action(StrEnum):
    # The team leader's tools: the board, the intake, the numbers (no inquiry).
    USE_BOARD = "use_board"
    REGISTER = "register"
    # Whoever answers familiehjelpa's phone records drøftingstelefon calls (no inquiry).
    RECORD_ADVICE = "record_advice"
    # On one inquiry.
    READ = "read"
    TRIAGE = "triage"  # moves, mapping, family contact, barneteam, the reply
    WORK_ON = "work_on"  # conversations with the family and DUKEN, while the inquiry is open


def _service_ids(user: User, role: Role) -> list[int]:
    return [
        m.service_id
        for m in user_memberships(user)
        if m.role == role and m.service_id and m.service.kind == Service.Kind.FAMILIEHJELPA
    ]


def led_services(user: User) -> list[int]:
    """Familiehjelpa services the user is team leader of."""
    return _service_ids(user, Role.FAMILIEHJELPA_LEADER)


def contact_services(user: User) -> list[int]:
    """Familiehjelpa services the user is a family contact in."""
    return _service_ids(user, Role.FAMILY_CONTACT)


def _scope(user: User) -> Q | None:
    """The inquiries this user may see, as a filter (None: none at all)."""
    if not user.is_authenticated or not user.is_active:
        return None
    led, contact_in = led_services(user), contact_services(user)
    if not (led or contact_in):
        return None
    return Q(service_id__in=led) | Q(service_id__in=contact_in, family_contact_id=user.pk)


def visible_inquiries(user: User) -> QuerySet[Inquiry]:
    scope = _scope(user)
    return Inquiry.objects.none() if scope is None else Inquiry.objects.filter(scope)


def may(user: User, action: Action, inquiry: Inquiry | None = None) -> bool:
    """Whether the user may do `action` (to `inquiry`, which they already see: `visible_inquiries`
    decided that; the tools take none)."""
    if not user.is_authenticated or not user.is_active:
        return False
    match action:
        case Action.USE_BOARD | Action.REGISTER:
            return bool(led_services(user))
        case Action.RECORD_ADVICE:
            return bool(led_services(user) or contact_services(user))
    if inquiry is None:
        return False
    leads = inquiry.service_id in led_services(user)
    match action:
        case Action.READ:
            return True  # seeing the inquiry is all reading needs
        case Action.TRIAGE:
            return leads
        case Action.WORK_ON:
            return inquiry.is_open and (leads or inquiry.family_contact_id == user.pk)
    raise ValueError(f"unknown action {action!r}")


# --- Granting reads ------------------------------------------------------------------------------


def tool(user: User, action: Action, *, what: str, read: str = "") -> None:
    """The team leader's tools (and the drøftingstelefon): a 403 for everyone else. `read` names
    what the page shows when it is a read of inquiries (the board, the numbers)."""
    audit.require(
        may(user, action), detail=f"familiehjelpa:{what}", message=_("Dette er for familiehjelpa.")
    )
    if read:
        record(kind=InquiryAudit.INQUIRY_VIEWED, actor=user, detail=read)


def inquiry_for(
    user: User,
    pk: int,
    action: Action,
    *,
    detail: str,
    audit_get: bool = True,
    shape: Callable[[QuerySet[Inquiry]], QuerySet[Inquiry]] | None = None,
) -> Inquiry:
    """The inquiry if the user sees it (a 404 otherwise) and may do `action` to it (a 403 if
    not), both noted as refused attempts. With `audit_get` the read is written here, named
    `detail`; without it the caller writes what the request did (a change, a document, a read of
    one part). `shape` loads what the page needs with it, on the user's visible inquiries."""
    qs = visible_inquiries(user)
    qs = shape(qs) if shape else qs.select_related("service", "referring_service", "family_contact")
    inquiry = qs.filter(pk=pk).first()
    if inquiry is None:
        refuse(detail=inquiry_ref(pk, "not_visible"))
        raise Http404
    if not may(user, action, inquiry):
        refuse(detail=inquiry_ref(pk, detail))
        raise PermissionDenied(_("Du kan ikke endre denne henvendelsen."))
    if audit_get:
        record(kind=InquiryAudit.INQUIRY_VIEWED, actor=user, detail=inquiry_ref(pk, detail))
    return inquiry


def read_again(user: User, inquiry: Inquiry, what: str = "form") -> None:
    """A form about the inquiry came back (with its errors, a conflict, a refused move): the
    inquiry was read again."""
    record(kind=InquiryAudit.INQUIRY_VIEWED, actor=user, detail=inquiry_ref(inquiry.pk, what))


def duken_version_for(user: User, pk: int, number: int, *, audit_get: bool) -> DukenVersion:
    """One DUKEN version of a visible inquiry (`version.inquiry` is it); a 404 for a number the
    inquiry does not have. Without `audit_get`, the export writes its event."""
    inquiry = inquiry_for(user, pk, Action.READ, detail="duken", audit_get=False)
    version = inquiry.duken_versions.select_related("saved_by").filter(number=number).first()
    if version is None:
        raise Http404
    version.inquiry = inquiry
    if audit_get:
        record(
            kind=InquiryAudit.INQUIRY_VIEWED,
            actor=user,
            detail=inquiry_ref(pk, f"duken:{number}"),
        )
    return version


def child_team_item_for(user: User, inquiry: Inquiry, pk: int, *, audit_get: bool) -> ChildTeamItem:
    """An undecided barneteam item of the inquiry whose case the user sees (a 404 otherwise).
    The read is of the case: with `audit_get` it is written here."""
    item = (
        ChildTeamItem.objects.filter(case_visible_q(user), inquiry=inquiry, decided_at__isnull=True)
        .select_related("meeting", "case__child")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    if audit_get:
        child_team_item_read_again(user, item)
    return item


def child_team_item_read_again(user: User, item: ChildTeamItem) -> None:
    record(
        kind=CaseAudit.CASE_VIEWED,
        actor=user,
        case_id=item.case_id,
        detail="familiehjelpa:barneteam",
    )


def case_to_refer(user: User, pk: int, *, audit_get: bool) -> Case:
    """A case the user sees (a 404 otherwise) and works on (a 403 if not), to refer to
    familiehjelpa: the case-access policy's own grant. With `audit_get` the read is written."""
    return case_access.case_for_action(
        user,
        pk,
        case_access.Action.WORK_ON,
        detail="familiehjelpa:refer",
        audit_read=audit_get,
        related=("child", "owner_service"),
    )


def case_read_again(case: Case) -> None:
    """The referral form came back with errors: the case was read again."""
    case_reads.form_returned(case, detail="familiehjelpa:refer")
