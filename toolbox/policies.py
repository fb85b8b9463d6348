"""The old name of `toolbox.access` (bts.navigation imports it from here)."""

from .access import ANY_ROLE, RULES, Action, may  # noqa: F401
