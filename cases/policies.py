"""Who may do what to a case. Seeing a case is `selectors.visible_cases`; these decide acting."""

from bts.models import User
from bts.selectors import user_memberships

from .models import Case
from .selectors import case_services, led_service_ids


def may_register(user: User) -> bool:
    """Employees and leaders of a service may register an undring for it."""
    return bool(case_services(user))


def may_list_cases(user: User) -> bool:
    """Everyone who works in a service has a list of the cases they see (municipal roles see
    no case, only aggregates)."""
    return any(m.service_id for m in user_memberships(user))


def leads_owner_service(user: User, case: Case) -> bool:
    return case.owner_service_id in led_service_ids(user)


def may_work_on(user: User, case: Case) -> bool:
    """Add to the case (notes, concerns, consents, services, steps): its holder or their leader."""
    return case.is_open and (case.responsible_id == user.id or leads_owner_service(user, case))


def may_decide(user: User, case: Case) -> bool:
    """Decisions are taken by the one responsible for the undring together with the leader."""
    return case.is_open and (case.responsible_id == user.id or leads_owner_service(user, case))


def may_read(user: User, case: Case) -> bool:
    """Reading needs nothing beyond seeing the case, which `visible_cases` has decided."""
    return True


def may_report(user: User, case: Case) -> bool:
    """The duty to report to barnevern is everyone's who sees the case, at every level."""
    return may_read(user, case)


def may_hand_over(user: User, case: Case) -> bool:
    """The holder passes the case on; their leader may too (e.g. when someone leaves)."""
    return case.is_open and (case.responsible_id == user.id or leads_owner_service(user, case))


def may_set_coordination(user: User, case: Case) -> bool:
    return may_decide(user, case)


def may_see_access_log(user: User, case: Case) -> bool:
    """Leaders review who has read and changed their service's cases."""
    return leads_owner_service(user, case)
