"""Who must do what to use BTS at all (case access is `cases.access`)."""

from django.conf import settings

from .models import Role, User
from .selectors import user_memberships

# Every role but the municipal leader's reads cases or administers users. The municipal
# leader sees aggregates only, never a name.
TWO_FACTOR_ROLES = frozenset(Role) - {Role.MUNICIPAL_LEADER}


def requires_two_factor(user: User) -> bool:
    """A second factor for local accounts that can read cases or manage users.

    Demo accounts are let through without one: they exist only in demo mode, where they are
    the only way in and their password is printed on the login page anyway."""
    if not user.is_authenticated:
        return False
    if user.is_demo and settings.DEMO_MODE:
        return False
    return user.is_staff or any(m.role in TWO_FACTOR_ROLES for m in user_memberships(user))
