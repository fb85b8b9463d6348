from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _refresh_system_admin_group(sender, using="default", **kwargs) -> None:
    """The administrators' groups get the permissions for the catalogue and contacts as soon as
    they exist (after this app's migrations), not only at the next role grant."""
    from django.contrib.auth.models import Group

    from bts import services

    groups = set(Group.objects.using(using).values_list("name", flat=True))
    if services.SYSTEM_ADMIN_GROUP in groups:
        services.system_admin_group_ensure()
    if services.LOCAL_ADMIN_GROUP in groups:
        services.local_admin_group_ensure()


class ToolboxConfig(AppConfig):
    """The verktøykasse, the tiltaksoversikt (catalogue of services) and the contact list."""

    name = "toolbox"
    verbose_name = _("Verktøykasse, tiltak og kontakter")

    def ready(self) -> None:
        from bts.services import system_admin_models_register

        # The administrators manage the catalogue and the contacts (a local administrator their
        # municipality's). The toolbox itself comes from its file: the admin may only view it.
        managed = ["catalogueentry", "catalogueimport", "contact", "toolbox", "tool"]
        system_admin_models_register("toolbox", managed, local=managed)
        post_migrate.connect(
            _refresh_system_admin_group, sender=self, dispatch_uid="toolbox.refresh_admin_group"
        )
