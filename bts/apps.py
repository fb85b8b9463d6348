from django.apps import AppConfig


class BtsConfig(AppConfig):
    name = "bts"
    verbose_name = "Brukere og tjenester"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import events  # noqa: F401  (registers the foundation's audit event kinds)
        from .auth import audit_login_failed
        from .middleware import session_start

        user_login_failed.connect(audit_login_failed, dispatch_uid="bts.audit_login_failed")
        user_logged_in.connect(session_start, dispatch_uid="bts.session_start")
