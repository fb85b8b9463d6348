"""The menu and start page depend on the user's roles; this is the one place that decides."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role
from .selectors import user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    name: str


def navigation_for(request) -> list[NavItem]:
    # Error pages can render before AuthenticationMiddleware has run (e.g. a missing static file).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    from .policies import requires_two_factor

    if requires_two_factor(user) and not user.is_verified():
        return []  # nothing to go to before the second factor
    items = [
        NavItem(_("Start"), reverse("start"), "start"),
        NavItem(_("Handlingsveileder"), reverse("levels:guide"), "guide"),
    ]
    roles = user_roles(request)
    if roles & {Role.EMPLOYEE, Role.LEADER}:
        items.append(NavItem(_("Ny undring"), reverse("cases:new"), "new"))
    if Role.FAMILIEHJELPA_LEADER in roles:
        items.append(NavItem(_("Familiehjelpa"), reverse("familiehjelpa:board"), "board"))
    if Role.SYSTEM_ADMIN in roles and user.is_staff:
        items.append(NavItem(_("Brukere og tjenester"), reverse("admin:index"), "admin"))
    return items
