"""What a family session reads."""

from bts.models import IdentityProvider
from cases.models import Child


def family_providers():
    return IdentityProvider.objects.filter(
        audience=IdentityProvider.Audience.FAMILY, is_active=True, municipality__is_active=True
    ).select_related("municipality")


def family_children(data: dict) -> list[Child]:
    """The children this family session is about, under the request's row security."""
    return list(
        Child.objects.filter(pk__in=data["children"], municipality_id=data["municipality"])
        .only("pk", "first_name", "last_name")
        .order_by("first_name")
    )
