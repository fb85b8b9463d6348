from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The start page, the menu and the layout: composes the apps for a person. It sits above
    every app and no app imports it."""

    name = "portal"
    verbose_name = _("Startside og meny")

    def ready(self) -> None:
        from cases.concern_tools import concern_tools_provider

        from .concern_tools import from_toolbox

        # The undring forms offer the toolbox's scale and checklists; cases never imports the
        # toolbox, so the bridge between them is registered here, above both.
        concern_tools_provider(from_toolbox)
