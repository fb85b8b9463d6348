from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """Leaders' dashboards: their services' cases, and the municipality's aggregates."""

    name = "dashboards"
    verbose_name = "Oversikter"
