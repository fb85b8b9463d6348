from django.apps import AppConfig


class ToolboxConfig(AppConfig):
    """The verktøykasse and the service catalogue (issue: dashboards, toolbox and catalogue)."""

    name = "toolbox"
    verbose_name = "Verktøykasse"
