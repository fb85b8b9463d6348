"""Who sees which dashboard. Views, the menu and the start page ask these, nothing else."""

from bts.models import Role, User
from bts.selectors import user_memberships
from cases.selectors import led_service_ids


def may_see_service_dashboard(user: User) -> bool:
    """Leaders of a service (and familiehjelpa's team leader, who leads familiehjelpa): the
    numbers of the services they lead, and the lists of their cases behind them."""
    return bool(getattr(user, "is_authenticated", False) and led_service_ids(user))


def may_see_municipal_dashboard(user: User) -> bool:
    """The municipal leader: aggregates over every service, never a name."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(m.role == Role.MUNICIPAL_LEADER for m in user_memberships(user))
