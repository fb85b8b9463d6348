from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _refresh_system_admin_group(sender, using="default", **kwargs) -> None:
    """The system administrators' group gets the permissions for the catalogue and contacts
    as soon as they exist (after this app's migrations), not only at the next role grant."""
    from django.contrib.auth.models import Group

    from bts.services import SYSTEM_ADMIN_GROUP, system_admin_group_ensure

    if Group.objects.using(using).filter(name=SYSTEM_ADMIN_GROUP).exists():
        system_admin_group_ensure()


class ToolboxConfig(AppConfig):
    """The verktøykasse, the tiltaksoversikt (catalogue of services) and the contact list."""

    name = "toolbox"
    verbose_name = _("Verktøykasse, tiltak og kontakter")

    def ready(self) -> None:
        from bts.services import system_admin_models_register

        # The system administrator manages the catalogue and the contacts. The toolbox itself
        # comes from its file: the admin may only view it.
        system_admin_models_register(
            "toolbox", ["catalogueentry", "catalogueimport", "contact", "toolbox", "tool"]
        )
        post_migrate.connect(
            _refresh_system_admin_group, sender=self, dispatch_uid="toolbox.refresh_admin_group"
        )
