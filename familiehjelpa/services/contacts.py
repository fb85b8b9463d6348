"""The family contact: from the service's pool, the family's coordinator in its cases."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bts.models import Role, User
from cases import services as case_services
from cases.grants import grants_sync
from cases.models import Case, RelayEntry, WideCollaboration
from cases.selectors import people_in_services, services_in_case
from levels.rules import table
from levels.selectors import active_guide

from ..models import Inquiry, InquiryEvent
from ..rules import MoveRefused
from ..selectors import linked_cases
from .common import (
    State,
    apply_move,
    case_changed,
    changed,
    history_add,
    lock,
    move_for_action,
    require_open,
)


def connect_contact(
    inquiry: Inquiry, user: User, case: Case, contact: User, *, previous: User | None
) -> None:
    """In the case: familiehjelpa coordinates (its family contact is the coordinator, at nivå 3
    the case's named coordinator), the log says who, and the grants follow."""
    if case.is_open and services_in_case(case).filter(pk=inquiry.service_id).exists():
        case_services.coordination_set(
            audited=False,
            case=case,
            user=user,
            service=inquiry.service,
            reason=_("Familiekontakten i familiehjelpa koordinerer hjelpen til familien."),
        )
        guide = active_guide()
        if guide is not None and case.level in table(guide).levels_requiring("offers"):
            wide = WideCollaboration.objects.filter(case=case).first()
            case_services.wide_collaboration_save(
                audited=False,
                case=case,
                user=user,
                familiehjelpa=WideCollaboration.Answer.ACCEPTED,
                coordinator=contact,
                child_coordinator=wide.child_coordinator if wide else None,
                individual_plan=wide.individual_plan if wide else WideCollaboration.Answer.NOT_YET,
                note=wide.note if wide else "",
            )
        text = _("Familiekontakt fra %(service)s: %(contact)s.") % {
            "service": inquiry.service.name,
            "contact": contact,
        }
        if previous is not None:
            text = _("Familiekontakt fra %(service)s: %(contact)s, etter %(previous)s.") % {
                "service": inquiry.service.name,
                "contact": contact,
                "previous": previous,
            }
        case_services.relay_entry_add(
            case=case, user=user, kind=RelayEntry.Kind.COORDINATION, text=text
        )
    grants_sync(case, [contact, previous])


@transaction.atomic
def family_contact_assign(
    *, inquiry: Inquiry, user: User, contact: User, seen_state: str
) -> Inquiry:
    """Connect a family contact from the service's pool (or replace the one there). The contact
    takes part in the family's cases (the registered participation, so `visible_cases` and the
    grants include them), becomes their coordinator, and sees the family on their start page;
    a replaced contact loses what only this gave them."""
    locked = lock(inquiry)
    if locked.state != seen_state:
        raise MoveRefused(
            _("Henvendelsen er endret mens du så på den. Den har nå status «%(state)s».")
            % {"state": locked.get_state_display()}
        )
    require_open(locked)
    moves = move_for_action(locked, State.CONTACT_ASSIGNED)
    pool = people_in_services([locked.service], roles=[Role.FAMILY_CONTACT])
    if not pool.filter(pk=contact.pk).exists():
        message = _("%(who)s er ikke familiekontakt i %(service)s.") % {
            "who": contact,
            "service": locked.service.name,
        }
        raise ValidationError({"contact": message})
    previous = locked.family_contact
    if previous is not None and previous.pk == contact.pk:
        return locked
    locked.family_contact = contact
    locked.save(update_fields=["family_contact"])
    text = _("%(contact)s er familiekontakt.") % {"contact": contact}
    if previous is not None:
        text = _("%(contact)s er familiekontakt etter %(previous)s.") % {
            "contact": contact,
            "previous": previous,
        }
    history_add(locked, user, InquiryEvent.Kind.CONTACT, text)
    visible = set(linked_cases(user, locked).values_list("pk", flat=True))
    for link in locked.links.select_related("case", "case__child"):
        if link.case_id in visible:
            connect_contact(locked, user, link.case, contact, previous=previous)
        else:
            grants_sync(link.case, [contact, previous])
    if moves:
        apply_move(locked, user, State.CONTACT_ASSIGNED)
    changed(locked, user, "contact")
    for case_id in linked_cases(user, locked).values_list("pk", flat=True):
        case_changed(case_id, user)
    return locked
