from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class FormRenderer(TemplatesSetting):
    """Every field renders through one template: label, help, error next to the field."""

    field_template_name = "_components/field_group.html"


WIDGET_CLASSES = {
    "checkbox": "ds-input",
    "radioselect": "ds-input",
    "checkboxselectmultiple": "ds-input",
    "select": "ds-input",
}


class DesignSystemMixin:
    """Gives widgets Designsystemet's classes and dates the browser's date picker, and every
    text field the one rule for "not empty": a text of only invisible characters (zero-width
    spaces, controls, separators) is refused at its field, as an empty one is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.design()

    def design(self) -> None:
        """Style the fields and give them the text rule; a form that adds fields after
        `__init__` calls it again (it does nothing twice)."""
        for field in self.fields.values():
            widget = field.widget
            if (
                isinstance(field, forms.CharField)
                and not isinstance(widget, forms.PasswordInput | forms.HiddenInput)
                and refuse_invisible_only not in field.validators
            ):
                field.validators = [*field.validators, refuse_invisible_only]
            name = widget.__class__.__name__.lower()
            if isinstance(widget, forms.DateTimeInput):
                widget.input_type, widget.format = "datetime-local", "%Y-%m-%dT%H:%M"
            elif isinstance(widget, forms.DateInput):
                widget.input_type, widget.format = "date", "%Y-%m-%d"
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 4)
            widget.attrs.setdefault("class", WIDGET_CLASSES.get(name, "ds-input"))
            # Django's default empty choice has no bokmål translation yet.
            if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
                field.empty_label = _("Velg …") if field.required else _("Ingen valgt")


class LoginForm(DesignSystemMixin, AuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        from .policies import password_sign_in_allowed
        from .signin import sign_in_refused

        if not password_sign_in_allowed(user):
            sign_in_refused(code="password_not_allowed")
            raise forms.ValidationError(
                _(
                    "Kommunen din logger inn ansatte gjennom sin egen innlogging. Bruk knappen "
                    "«Logg inn med …-konto» over."
                ),
                code="use_municipality_sign_in",
            )


class OneTimeCodeForm(DesignSystemMixin, forms.Form):
    token = forms.CharField(
        label=_("Engangskode"),
        max_length=8,
        help_text=_("Seks sifre fra autentiseringsappen."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
        error_messages={"required": _("Skriv koden fra appen.")},
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("Koden er seks sifre."))
        return token


def has_visible_text(value: str) -> bool:
    """Whether a text has anything to read: not only spaces, line breaks, zero-width or other
    invisible characters (Unicode separators, controls and format characters)."""
    import unicodedata

    return any(unicodedata.category(c)[0] not in ("Z", "C") for c in value)


def refuse_invisible_only(value: str) -> None:
    if not has_visible_text(value):
        raise forms.ValidationError(_("Skriv noe som kan leses."), code="invisible")
