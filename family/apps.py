from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    """The family's own way in: guardians and young people sign in with ID-porten."""

    name = "family"
    verbose_name = _("Familien")

    def ready(self) -> None:
        from . import events  # noqa: F401  (registers the audit event kinds)
