"""Who sees which dashboard, and which cases are behind its numbers: the shape of every app's
access module (`cases.access`). Views, the menu and the start page ask these, nothing else."""

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bts import audit
from bts.models import Role, User
from bts.selectors import user_memberships
from cases.access import led_service_ids, visible_cases
from cases.models import Case


class Action(StrEnum):
    # Leaders of a service (and familiehjelpa's team leader, who leads familiehjelpa): the
    # numbers of the services they lead, and the lists of their cases behind them.
    SERVICE = "service"
    # The municipal leader: aggregates over every service, never a name.
    MUNICIPAL = "municipal"


def may(user: User, action: Action) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if action == Action.SERVICE:
        return bool(led_service_ids(user))
    return user.is_active and led_municipality_id(user) is not None


def led_municipality_id(user: User) -> int | None:
    """The municipality whose aggregates the user leads (as municipal leader): only its
    children's figures are shown to them, including those a shared service hosted elsewhere
    follows."""
    return next(
        (m.municipality_id for m in user_memberships(user) if m.role == Role.MUNICIPAL_LEADER),
        None,
    )


def require(user: User, action: Action, *, page: str) -> None:
    """A 403 and a noted refusal unless `may`; `page` names the page in the refusal."""
    audit.require(
        may(user, action), detail=f"dashboard:{page}", message=_("Denne oversikten er for ledere.")
    )


def service_open_cases(user: User, service_ids: list[int]) -> QuerySet[Case]:
    """The open cases behind the service dashboard's numbers: those the user's led services
    own, through the case-access rule itself, so no number counts a case the leader may not
    see."""
    led = set(led_service_ids(user))
    return visible_cases(user).filter(
        owner_service_id__in=[pk for pk in service_ids if pk in led], status=Case.Status.OPEN
    )
