from django.apps import AppConfig


class BtsConfig(AppConfig):
    name = "bts"
    verbose_name = "Brukere og tjenester"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from cases.concern_tools import concern_tools_provider

        from . import events  # noqa: F401  (registers the foundation's audit event kinds)
        from .auth import audit_login_failed
        from .concern_tools import from_toolbox
        from .middleware import session_start

        # The undring forms offer the toolbox's scale and checklists (cases never imports it).
        concern_tools_provider(from_toolbox)
        user_login_failed.connect(audit_login_failed, dispatch_uid="bts.audit_login_failed")
        user_logged_in.connect(session_start, dispatch_uid="bts.session_start")
