from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LevelsConfig(AppConfig):
    name = "levels"
    verbose_name = _("Handlingsveileder")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from bts.services import system_admin_models_register

        from .selectors import guide_cache_clear

        # The system administrator keeps the guide and its akutt numbers up to date.
        system_admin_models_register(
            "levels", ["guide", "level", "step", "acutecontact"], local=["guide", "acutecontact"]
        )

        for model in ("Guide", "Level", "Step", "AcuteContact"):
            sender = self.get_model(model)
            for signal in (post_save, post_delete):
                signal.connect(guide_cache_clear, sender=sender, dispatch_uid=f"guide-{model}")
