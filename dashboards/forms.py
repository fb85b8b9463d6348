"""The dashboards' filters: plain GET forms that work without JavaScript."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.forms import DesignSystemMixin
from bts.models import Service

from .stats import Period, add_months

MAX_MONTHS = 60
DEFAULT_MONTHS = 12


class MonthField(forms.Field):
    """A month as the browser's month input sends it: YYYY-MM."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "ÅÅÅÅ-MM"})
    default_error_messages = {"invalid": _("Skriv måneden som ÅÅÅÅ-MM, for eksempel 2026-01.")}

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        year, dash, month = value.partition("-")
        if len(value) != 7:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if not (dash and year.isdigit() and month.isdigit() and len(year) == 4):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if not 1 <= int(month) <= 12 or int(year) < 2000:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(year), int(month), 1)

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class MunicipalFilterForm(DesignSystemMixin, forms.Form):
    fra = MonthField(label=_("Fra måned"))
    til = MonthField(label=_("Til og med måned"))
    type = forms.ChoiceField(
        label=_("Tjenestetype"),
        required=False,
        choices=[("", _("Alle tjenestetyper")), *Service.Kind.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = Period.last_months(DEFAULT_MONTHS)
        self.fields["fra"].initial, self.fields["til"].initial = default.first, default.last

    def clean(self):
        data = super().clean()
        this_month = timezone.localdate().replace(day=1)
        last = data.get("til") or this_month
        first = data.get("fra") or add_months(last, 1 - DEFAULT_MONTHS)
        if last > this_month:
            self.add_error("til", _("Perioden kan ikke slutte etter denne måneden."))
        elif first > last:
            self.add_error("fra", _("Fra-måneden kan ikke være etter til-måneden."))
        elif len(Period(first, last).months) > MAX_MONTHS:
            self.add_error("fra", _("Velg en periode på høyst %(n)s måneder.") % {"n": MAX_MONTHS})
        data["period"] = Period(first, last)
        return data

    def period(self) -> Period:
        """The period asked for, or the last 12 months when it is not given or is wrong."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return Period.last_months(DEFAULT_MONTHS)

    def kind(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["type"]
        return ""


class ServiceFilterForm(DesignSystemMixin, forms.Form):
    """Which of the services the leader leads to show (all of them when empty)."""

    tjeneste = forms.TypedChoiceField(label=_("Tjeneste"), required=False, coerce=int)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = services
        self.fields["tjeneste"].choices = [
            ("", _("Alle tjenestene jeg leder")),
            *((s.pk, s.name) for s in services),
        ]

    def service_ids(self) -> list[int] | None:
        """The ids to show, or None when the form names a service the user does not lead."""
        if not self.is_bound or not self.data.get("tjeneste"):
            return [s.pk for s in self.services]
        if not self.is_valid():
            return None
        return [self.cleaned_data["tjeneste"]]


class CaseListForm(ServiceFilterForm):
    """The list behind a number: the same services, and for open cases a level and a step."""

    niva = forms.IntegerField(required=False, min_value=0, max_value=9)
    trinn = forms.RegexField(regex=r"^\d{1,2}\.\d{1,3}$", required=False, max_length=8)
    side = forms.IntegerField(required=False, min_value=1, max_value=10_000)
