"""The menu and start page depend on the user's roles; this is the one place that decides."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bts.models import Role
from bts.policies import requires_two_factor
from bts.selectors import user_roles
from dashboards import access as dashboards
from levels.selectors import request_guide
from levels.words import guide_words
from toolbox import access as toolbox


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    name: str
    current: bool = False


# Which pages belong to a menu item, by "namespace:url_name" or "namespace:" for all of an app.
SECTIONS = {
    "start": ("start",),
    "guide": ("levels:",),
    "cases": ("cases:list", "cases:detail"),
    "board": ("familiehjelpa:",),
    "new": ("cases:new",),
    "admin": ("admin:",),
    "tools": ("toolbox:tools", "toolbox:tool"),
    "catalogue": (
        "toolbox:catalogue",
        "toolbox:catalogue_import",
        "toolbox:catalogue_preview",
        "toolbox:catalogue_apply",
    ),
    "contacts": ("toolbox:contacts",),
    "service_dashboard": ("dashboards:service", "dashboards:service_list"),
    "municipal_dashboard": ("dashboards:municipal",),
}


def _is_current(request, name: str) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    here = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    return any(
        here == section or (section.endswith(":") and here.startswith(section))
        for section in SECTIONS[name]
    )


def navigation_for(request) -> list[NavItem]:
    # Error pages can render before AuthenticationMiddleware has run (e.g. a missing static file).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    if requires_two_factor(user) and not user.is_verified():
        return []  # nothing to go to before the second factor
    items = [(_("Start"), reverse("start"), "start")]
    # The guide is a municipality's: someone of no municipality (the installation's
    # administrator, an account with no role yet) has one only when the installation has one.
    if request_guide(request) is not None:
        items.append((_("Handlingsveileder"), reverse("levels:guide"), "guide"))
    roles = user_roles(request)
    if roles & {Role.EMPLOYEE, Role.LEADER, Role.FAMILY_CONTACT, Role.FAMILIEHJELPA_LEADER}:
        items.append((_("Saker"), reverse("cases:list"), "cases"))
    if roles & {Role.EMPLOYEE, Role.LEADER}:
        concern = guide_words(request_guide(request)).as_dict()
        items.append((_("Registrer %(concern)s") % concern, reverse("cases:new"), "new"))
    if dashboards.may(user, dashboards.Action.SERVICE):
        items.append((_("Tjenesteoversikt"), reverse("dashboards:service"), "service_dashboard"))
    if dashboards.may(user, dashboards.Action.MUNICIPAL):
        items.append((_("Kommuneoversikt"), reverse("dashboards:municipal"), "municipal_dashboard"))
    if toolbox.may(user, toolbox.Action.READ):
        items += [
            (_("Verktøykasse"), reverse("toolbox:tools"), "tools"),
            (_("Tiltaksoversikt"), reverse("toolbox:catalogue"), "catalogue"),
            (_("Kontakter"), reverse("toolbox:contacts"), "contacts"),
        ]
    if Role.FAMILIEHJELPA_LEADER in roles:
        items.append((_("Familiehjelpa"), reverse("familiehjelpa:board"), "board"))
    if Role.SYSTEM_ADMIN in roles and user.is_staff:
        items.append((_("Brukere og tjenester"), reverse("admin:index"), "admin"))
    return [NavItem(label, url, name, _is_current(request, name)) for label, url, name in items]
