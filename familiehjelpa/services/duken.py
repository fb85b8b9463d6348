"""DUKEN, filled in with the family: every save a new version, never over an old one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts.models import User
from cases.models import RelayEntry

from ..models import DukenVersion, Inquiry, InquiryEvent
from .common import changed, history_add, lock, relay, require_open


class DukenConflict(Exception):
    """A newer DUKEN version was saved after this user loaded theirs; `current` is it."""

    def __init__(self, current: DukenVersion):
        super().__init__(_("DUKEN er lagret av en annen etter at du åpnet den."))
        self.current = current


@transaction.atomic
def duken_save(*, inquiry: Inquiry, user: User, data: dict, based_on: int) -> DukenVersion:
    """Save DUKEN as a new version, never over an old one. `based_on` is the version the user
    opened (0 for none): if a newer one was saved since, raises DukenConflict with it, unless it
    holds exactly what was submitted (a double submit). Unchanged text makes no new version."""
    locked = lock(inquiry)
    require_open(locked)
    values = {}
    for name in DukenVersion.FIELDS:
        value = data.get(name)
        is_date = name in ("held_on", "short_term_by", "long_term_by")
        values[name] = value if is_date else str(value or "").strip()
    errors = {}
    if not values["plan_for"]:
        errors["plan_for"] = _("Skriv hvem planen er til.")
    if not values["held_on"]:
        errors["held_on"] = _("Skriv datoen DUKEN fylles ut.")
    short, long = values["short_term_by"], values["long_term_by"]
    if short and long and long < short:
        errors["long_term_by"] = _("Lang sikt kan ikke være før kort sikt.")
    if errors:
        raise ValidationError(errors)
    latest = locked.duken_versions.select_related("saved_by").order_by("-number").first()
    if (latest.number if latest else 0) != based_on:
        if latest and latest.values() == values:
            return latest
        raise DukenConflict(latest)
    if latest and latest.values() == values:
        return latest
    version = DukenVersion.objects.create(
        inquiry=locked,
        number=(latest.number if latest else 0) + 1,
        saved_by=user,
        saved_at=timezone.now(),
        **values,
    )
    history_add(
        locked,
        user,
        InquiryEvent.Kind.DUKEN,
        _("DUKEN er lagret (versjon %(v)s).") % {"v": version.number},
    )
    text = (
        _("Familiehjelpa: DUKEN er fylt ut sammen med familien.")
        if version.number == 1
        else _("Familiehjelpa: DUKEN er revidert sammen med familien (versjon %(v)s).")
        % {"v": version.number}
    )
    relay(locked, user, RelayEntry.Kind.NOTE, text)
    changed(locked, user, "duken")
    return version
