"""A decision at a decision step, and a report to barnevernet."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bts.dates import plausible
from bts.forms import DesignSystemMixin
from bts.models import Service
from bts.selectors import serving_q
from levels.rules import CLOSED, Table, options
from levels.words import word_lazy

from ..models import ChildNotHeard, ChildProtectionReport
from .base import Form

PRODUCT = word_lazy("product")


class DecisionForm(Form):
    # The step the decider saw: a decision on a case that moved meanwhile is refused.
    step_code = forms.CharField(widget=forms.HiddenInput)
    to_level = forms.ChoiceField(label=_("Beslutning"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea,
        help_text=_("Hvorfor dere beslutter dette. Begrunnelsen står i stafettloggen."),
    )
    child_view = forms.CharField(
        label=_("Barnets stemme"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Hva barnet selv mener, ut fra alder og modenhet."),
    )
    child_not_heard = forms.ChoiceField(
        label=_("Eller: hvorfor barnet ikke er hørt denne gangen"),
        choices=[("", _("Barnet er hørt (se feltet over)")), *ChildNotHeard.choices],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, rules: Table, level: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_level"].choices = [(o.value, o.label) for o in options(rules, level)]

    def clean(self):
        data = super().clean()
        if not data.get("child_view", "").strip() and not data.get("child_not_heard"):
            self.add_error(
                "child_view",
                _("Skriv hva barnet selv mener, eller velg hvorfor barnet ikke er hørt."),
            )
        return data

    def clean_to_level(self) -> int | None:
        value = self.cleaned_data["to_level"]
        return CLOSED if value == "avslutt" else int(value)


class ReportForm(Form):
    reported_at = forms.DateTimeField(
        label=_("Når ble meldingen sendt"),
        initial=timezone.now,
        validators=[plausible("happened")],
    )
    channel = forms.ChoiceField(
        label=_("Hvordan"),
        choices=ChildProtectionReport.Channel.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Hva meldingen gjelder"),
        widget=forms.Textarea,
        help_text=format_lazy(_("Foresatte varsles ikke fra {product}."), product=PRODUCT),
    )
    police_contacted = forms.BooleanField(label=_("Politiet er kontaktet"), required=False)
    received_by = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        label=_("Barneverntjenesten som fikk meldingen"),
        required=False,
        help_text=format_lazy(
            _("Lederen i barneverntjenesten ser da saken i {product}."), product=PRODUCT
        ),
    )

    def __init__(self, *args, municipality_ids=(), **kwargs):
        """`municipality_ids`: the child's (or, before the child is known, those the user's
        services serve): the barnevern services serving them are offered."""
        super().__init__(*args, **kwargs)
        child_protection = Service.objects.filter(
            serving_q(list(municipality_ids)), kind=Service.Kind.CHILD_PROTECTION, is_active=True
        ).order_by("name")
        field = self.fields["received_by"]
        field.queryset = child_protection
        if len(child_protection) == 1:
            field.initial = child_protection[0].pk
        elif not child_protection:
            del self.fields["received_by"]

    def clean_reported_at(self):
        value = self.cleaned_data["reported_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise ValidationError(_("Tidspunktet kan ikke være fram i tid."))
        return value


class ProposalAnswerForm(DesignSystemMixin, forms.Form):
    """Not idempotent by key: a proposal is answered once (a second answer changes nothing)."""

    confirm = forms.TypedChoiceField(
        label=_("Bekrefter du forslaget?"),
        choices=[("ja", _("Ja, bekreft beslutningen")), ("nei", _("Nei, ikke bekreft"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Må fylles ut hvis du ikke bekrefter. Står i stafettloggen."),
    )
