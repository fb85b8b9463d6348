from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Membership, Service, User


def current_membership_q(prefix: str = "") -> Q:
    """A membership in force today, in an active service (or a municipal one, with none).
    `prefix` reaches it through a relation, e.g. "memberships__"."""
    today = timezone.localdate()
    return (
        (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": today}))
        & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": today}))
        & (Q(**{f"{prefix}service__isnull": True}) | Q(**{f"{prefix}service__is_active": True}))
    )


def active_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(current_membership_q(), user=user).select_related("service")


def user_memberships(user: User) -> list[Membership]:
    """The user's current memberships, fetched once per user object (that is, per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(user, "_bts_memberships"):
        user._bts_memberships = list(active_memberships(user))
    return user._bts_memberships


def request_memberships(request) -> list[Membership]:
    # Error pages can render before AuthenticationMiddleware has run.
    return user_memberships(getattr(request, "user", None))


def user_roles(request) -> set[str]:
    return {m.role for m in request_memberships(request)}


def admin_overview() -> dict:
    return {
        "users": User.objects.filter(is_active=True).count(),
        "services": Service.objects.filter(is_active=True).count(),
    }
