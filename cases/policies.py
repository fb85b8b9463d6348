"""The names callers have asked "may this user do X to this case" by; the rule is
`cases.access` (one module for "which cases" and "may X")."""

from .access import (  # noqa: F401
    Action,
    leads_owner_service,
    may,
    may_decide,
    may_hand_over,
    may_list_cases,
    may_read,
    may_register,
    may_report,
    may_see_access_log,
    may_set_coordination,
    may_work_on,
)
