"""What the case forms share: the idempotent design-system form, the service field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bts.forms import DesignSystemMixin
from bts.idempotency import IdempotentForm


class Form(DesignSystemMixin, IdempotentForm):
    pass


def _service_field(services) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=services,
        label=_("Tjeneste"),
        empty_label=None,
        help_text=_("Tjenesten der du jobber med barnet."),
    )
