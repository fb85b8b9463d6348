from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Leaders' dashboards: their services' cases, and the municipality's aggregates."""

    name = "dashboards"
    verbose_name = _("Oversikter")
