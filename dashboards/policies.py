"""The old name of `dashboards.access` (dashboards/views.py and bts.navigation import it)."""

from .access import Action, may, may_see_municipal_dashboard, may_see_service_dashboard  # noqa: F401
