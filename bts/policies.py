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


def password_sign_in_allowed(user: User) -> bool:
    """Whether this account may sign in with its password: not where its municipality signs
    its staff in through an identity provider (unless the municipality still allows
    passwords), since a person the municipality deactivates there must have no way in left.
    The installation's system administrator keeps theirs."""
    from .models import IdentityProvider

    memberships = user_memberships(user)
    if user.is_superuser or any(m.role == Role.SYSTEM_ADMIN for m in memberships):
        return True
    municipalities = {m.municipality_id for m in memberships if m.municipality_id} | {
        m.service.municipality_id for m in memberships if m.service_id
    }
    return not (
        IdentityProvider.objects.in_use(IdentityProvider.Audience.STAFF)
        .filter(municipality_id__in=municipalities, allow_password=False)
        .exists()
    )
