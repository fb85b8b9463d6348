from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bts.forms import DesignSystemMixin

from .models import MAX_AGE, Level
from .spreadsheet import MAX_UPLOAD_BYTES, UploadRefused, check_upload


class CatalogueSearchForm(DesignSystemMixin, forms.Form):
    """The catalogue's filters, read from the query string (a plain GET form)."""

    q = forms.CharField(
        label=_("Søk"),
        required=False,
        max_length=100,
        help_text=_("Søker i navn, beskrivelse og hvem som tilbyr tiltaket."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    nivaa = forms.TypedChoiceField(
        label=_("Nivå"),
        required=False,
        choices=[("", _("Alle nivåer")), *Level.choices],
        coerce=int,
        empty_value=None,
    )
    alder = forms.IntegerField(
        label=_("Barnets alder"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        help_text=_("0–24 år."),
        error_messages={
            "invalid": _("Skriv alderen som et helt tall, f.eks. 7."),
            "min_value": _("Alderen må være fra 0 til 24 år."),
            "max_value": _("Alderen må være fra 0 til 24 år."),
        },
    )


class CatalogueUploadForm(DesignSystemMixin, forms.Form):
    """The spreadsheet, checked before anything parses it. A file above the upload limit
    arrives empty with its real size (bts.uploads.BoundedMemoryUploadHandler) and is called too
    big; `request_size`, the request's Content-Length, explains a file that did not arrive."""

    file = forms.FileField(
        label=_("Regneark (.xlsx)"),
        help_text=_(
            "Excel-arbeidsbok uten makroer, høyst 5 MB. Ingenting endres før du har sett "
            "over og bekreftet endringene."
        ),
        error_messages={
            "required": _("Velg regnearket du vil laste opp."),
            "empty": _("Fila er tom."),
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, request_size: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_size = request_size

    @staticmethod
    def _too_big(size: int) -> ValidationError:
        return ValidationError(
            _("Fila er for stor (%(size)s MB). Største tillatte størrelse er 5 MB."),
            params={"size": f"{size / 1024 / 1024:.1f}".replace(".", ",")},
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise self._too_big(upload.size)
        data = upload.read()
        try:
            check_upload(name=upload.name, data=data)
        except UploadRefused as exc:
            raise ValidationError(str(exc)) from exc
        return upload.name, data

    def clean(self):
        # No file because it was too big to be kept: say so, not "choose a file".
        if self.request_size > MAX_UPLOAD_BYTES and "file" not in self.files:
            self._errors["file"] = self.error_class(
                self._too_big(self.request_size).messages, renderer=self.renderer
            )
        return super().clean()


class CatalogueConfirmForm(forms.Form):
    """Carries the fingerprint of the changes the administrator saw in the preview."""

    digest = forms.CharField(widget=forms.HiddenInput, min_length=64, max_length=64)
