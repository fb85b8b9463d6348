from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevdataConfig(AppConfig):
    """Demo data (`seed_demo`) and synthetic data for benchmarks (`seed_synthetic`). It may use
    every app; no app imports it. The commands refuse to run outside demo mode (or, for synthetic
    data, without BTS_SYNTHETIC)."""

    name = "devdata"
    verbose_name = _("Demo- og testdata")
