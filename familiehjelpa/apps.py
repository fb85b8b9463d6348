from django.apps import AppConfig


class FamiliehjelpaConfig(AppConfig):
    """Inquiries, triage, DUKEN and family contacts (issue: familiehjelpa)."""

    name = "familiehjelpa"
    verbose_name = "Familiehjelpa"
