"""Who may see and do what in familiehjelpa: one set of rules for both questions.

Inquiries are familiehjelpa's own records. The team leader (role `familiehjelpa_leader` in a
familiehjelpa service) sees and triages every inquiry of that service; a family contact (role
`family_contact`) sees the inquiries they are the family contact for, and works on them
(conversations, DUKEN). Nobody else sees an inquiry at all: it is a 404, like a case.
What an inquiry says about a child is read from the child's case, through `visible_cases`.
"""

from django.db.models import Q

from bts.models import Role, Service, User
from bts.selectors import user_memberships

from .models import Inquiry


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


def inquiry_scope(user: User) -> Q | None:
    """The inquiries this user may see, as a filter (None: none at all)."""
    if not user.is_authenticated or not user.is_active:
        return None
    led, contact_in = led_services(user), contact_services(user)
    if not (led or contact_in):
        return None
    return Q(service_id__in=led) | Q(service_id__in=contact_in, family_contact_id=user.pk)


def may_use_board(user: User) -> bool:
    """The board, the intake, the numbers: the team leader's tools."""
    return bool(led_services(user))


def may_register(user: User) -> bool:
    """The team leader records inquiries on the mapping form (seed 002 § 2.4)."""
    return bool(led_services(user))


def may_record_advice(user: User) -> bool:
    """Whoever answers familiehjelpa's phone records drøftingstelefon calls."""
    return bool(led_services(user) or contact_services(user))


def leads(user: User, inquiry: Inquiry) -> bool:
    return inquiry.service_id in led_services(user)


def may_triage(user: User, inquiry: Inquiry) -> bool:
    """Moves on the board, the mapping form, the family contact, the barneteam, the reply."""
    return leads(user, inquiry)


def may_work_on(user: User, inquiry: Inquiry) -> bool:
    """Conversations with the family and DUKEN: the team leader and the family's contact, while
    the inquiry is open."""
    return inquiry.is_open and (leads(user, inquiry) or inquiry.family_contact_id == user.pk)


def may_read(user: User, inquiry: Inquiry) -> bool:
    """Reading needs nothing beyond seeing the inquiry, which `inquiry_scope` has decided."""
    return True
