"""One plausible range per kind of date a person types: a year-1 or year-9999 date, a birth date
years ahead, a meeting decades away or a withdrawal dated tomorrow is a typing error, refused at
its field with a message that says what is allowed. Forms give each date field its kind."""

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DateRange:
    """From `back` days before today to `ahead` days after it, both inclusive. `message` says
    what is allowed; `too_late`, if given, is said instead of it of a date after the range."""

    back: int
    ahead: int
    message: str
    too_late: str = ""

    def bounds(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        return today - datetime.timedelta(days=self.back), today + datetime.timedelta(
            days=self.ahead
        )


YEAR = 366
RANGES = {
    # A child or young person (BTS follows them to 24), or one not born yet (a pregnancy).
    "birth": DateRange(25 * YEAR, 300, _("Fødselsdatoen må være mellom %(start)s og %(end)s.")),
    # What happened: seen, discussed, evaluated, reported, received — not ahead of today.
    "happened": DateRange(
        5 * YEAR,
        0,
        _("Datoen må være i dag eller tidligere, og ikke før %(start)s."),
        too_late=_("Datoen kan ikke være fram i tid."),
    ),
    "meeting": DateRange(YEAR, 2 * YEAR, _("Møtet må være mellom %(start)s og %(end)s.")),
    "measure": DateRange(2 * YEAR, 3 * YEAR, _("Datoen må være mellom %(start)s og %(end)s.")),
    "expiry": DateRange(0, 5 * YEAR, _("Datoen må være mellom %(start)s og %(end)s.")),
    # A period asked for in the access log.
    "period": DateRange(30 * YEAR, YEAR, _("Datoen må være mellom %(start)s og %(end)s.")),
}
# A consent given, or withdrawn: what happened, so today at the latest.
RANGES["given"] = RANGES["happened"]


class Plausible:
    """A form field validator: the date (or the date of a moment) within its kind's range."""

    def __init__(self, kind: str):
        self.range = RANGES[kind]

    def __call__(self, value) -> None:
        day = timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value
        start, end = self.range.bounds()
        if not start <= day <= end:
            late = day > end and self.range.too_late
            raise forms.ValidationError(
                self.range.too_late if late else self.range.message,
                code="implausible_date",
                params={
                    "start": date_format(start, "SHORT_DATE_FORMAT"),
                    "end": date_format(end, "SHORT_DATE_FORMAT"),
                },
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, Plausible) and other.range == self.range


def plausible(kind: str) -> Plausible:
    return Plausible(kind)
