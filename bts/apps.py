from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BtsConfig(AppConfig):
    name = "bts"
    verbose_name = _("Brukere og tjenester")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_migrate
        from django.urls import register_converter

        from . import events  # noqa: F401  (registers the foundation's audit event kinds)
        from .auth import audit_login_failed
        from .converters import IdConverter
        from .middleware import session_start
        from .third_party_labels import name_third_party_models

        # `<id:pk>` in every URL that names an object: bounded before the database.
        register_converter(IdConverter, "id")
        # Norwegian names for the admin's third-party models (axes, django-otp).
        name_third_party_models()

        user_login_failed.connect(audit_login_failed, dispatch_uid="bts.audit_login_failed")
        user_logged_in.connect(session_start, dispatch_uid="bts.session_start")
        # Once per migrate, when every table exists: the app's role gets its privileges.
        post_migrate.connect(_grant_app_role, sender=self, dispatch_uid="bts.grant_app_role")


def _grant_app_role(sender, using, **kwargs) -> None:
    from .isolation import grant_app_role

    grant_app_role(using)
