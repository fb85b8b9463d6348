from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Child, Case, Concern, RelayLog, meetings, measures, decisions, consent (case workflow)."""

    name = "cases"
    verbose_name = _("Saker")

    def ready(self) -> None:
        from levels.loader import guide_in_use_checks

        from . import events  # noqa: F401  (registers the app's audit event kinds)
        from .selectors import cases_off_the_guide

        guide_in_use_checks.append(cases_off_the_guide)
