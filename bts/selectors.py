from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Membership, Service, User


def active_memberships(user: User) -> QuerySet[Membership]:
    today = timezone.localdate()
    return (
        Membership.objects.filter(user=user)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(Q(service__isnull=True) | Q(service__is_active=True))
        .select_related("service")
    )


def request_memberships(request) -> list[Membership]:
    """The user's current memberships, fetched once per request."""
    if not hasattr(request, "_bts_memberships"):
        user = getattr(request, "user", None)
        request._bts_memberships = (
            list(active_memberships(user)) if user is not None and user.is_authenticated else []
        )
    return request._bts_memberships


def user_roles(request) -> set[str]:
    return {m.role for m in request_memberships(request)}


def admin_overview() -> dict:
    return {
        "users": User.objects.filter(is_active=True).count(),
        "services": Service.objects.filter(is_active=True).count(),
    }
