"""The start page: what each of the user's roles needs first, composed from the apps."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bts.models import Role
from bts.selectors import admin_overview, request_memberships
from cases.selectors import (
    handovers_for,
    my_cases,
    proposals_waiting,
    service_cases,
    watched_cases,
    with_follow_up_due,
)
from dashboards.access import led_municipality_id
from dashboards.selectors import municipal_pyramid, open_cases_table
from familiehjelpa import selectors as familiehjelpa
from levels.selectors import guide_levels, request_guide


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The role-aware start page: each role the user holds adds its own section."""
    memberships = request_memberships(request)
    roles = {m.role for m in memberships}
    guide = request_guide(request)
    max_days = guide.follow_up_max_days if guide else 28
    context = {
        "memberships": memberships,
        "has": {role.value: role in roles for role in Role},
        "led_services": [m.service for m in memberships if m.role == Role.LEADER],
        "first_step": None,
        "pyramid": None,
    }
    if guide is not None:
        levels = list(guide_levels(guide))
        first_level_steps = levels[0].steps.all() if levels else []
        context["first_step"] = first_level_steps[0] if first_level_steps else None
        if Role.MUNICIPAL_LEADER in roles:
            # Suppressed like the municipal dashboard: counts under 5 are "<5".
            # Of the leader's own municipality's children only.
            table, _kinds, _levels = open_cases_table(levels, led_municipality_id(request.user))
            context["pyramid"] = municipal_pyramid(levels, table)
    if roles & {Role.EMPLOYEE, Role.LEADER}:
        cases = list(my_cases(request.user)[:51])
        context["more_cases"] = len(cases) > 50
        cases = cases[:50]
        with_follow_up_due(cases, max_days=max_days)
        context |= {
            "my_cases": cases,
            "today": timezone.localdate(),
            "handovers": list(handovers_for(request.user)),
            "watches": list(watched_cases(request.user)),
        }
    if Role.LEADER in roles:
        led = list(service_cases(request.user)[:100])
        context["service_cases"] = with_follow_up_due(led, max_days=max_days)
        context["proposals"] = list(proposals_waiting(request.user)[:50])
    if Role.FAMILIEHJELPA_LEADER in roles:
        context["inquiries"] = familiehjelpa.leader_summary(request.user)
    if Role.FAMILY_CONTACT in roles:
        context["families"] = familiehjelpa.families_for(request.user)
        context["today"] = timezone.localdate()
        if "handovers" not in context:
            context["handovers"] = list(handovers_for(request.user))
    if Role.SYSTEM_ADMIN in roles:
        context["admin_overview"] = admin_overview()
    return render(request, "portal/start.html", context)
