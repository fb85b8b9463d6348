"""Who may do what in the toolbox app: one rule table, one function (the shape of every app's
access module, `cases.access`). Views, the menu and the templates all ask `may`, so what is
shown and what is allowed cannot drift apart."""

from enum import StrEnum

from django.utils.translation import gettext as _

from bts import audit
from bts.models import Role, User
from bts.selectors import user_memberships


class Action(StrEnum):
    READ = "read"  # the toolbox, the catalogue, the contact list
    IMPORT_CATALOGUE = "import_catalogue"  # upload the catalogue spreadsheet and apply it
    MANAGE = "manage"  # edit the catalogue and the contacts in the admin


ANY_ROLE = frozenset(Role)
RULES: dict[Action, frozenset[str]] = {
    # Everyone who works in a service or holds a municipal role needs the tools and numbers.
    Action.READ: ANY_ROLE,
    # Each municipality's own, by its local administrator (the installation's administrator
    # too); which municipality's is the selectors' (the one the work is for).
    Action.IMPORT_CATALOGUE: frozenset({Role.SYSTEM_ADMIN, Role.LOCAL_ADMIN}),
    Action.MANAGE: frozenset({Role.SYSTEM_ADMIN, Role.LOCAL_ADMIN}),
}


def may(user: User, action: Action) -> bool:
    """Whether `user` holds, today, a role that allows `action`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(m.role in RULES[action] for m in user_memberships(user))


def require(user: User, action: Action) -> None:
    """A 403 and a noted refusal unless `may`."""
    audit.require(
        may(user, action),
        detail=f"toolbox:{action}",
        message=_("Du har ikke tilgang til dette.")
        if action == Action.READ
        else _("Bare kommunens administrator kan importere tiltaksoversikten."),
    )
