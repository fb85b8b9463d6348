from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .language import municipality_enter
from .pyramid import build_pyramid
from .selectors import (
    guide_levels,
    municipality_id_by_number,
    request_guide,
    step_with_neighbours,
)


def _guide(request: HttpRequest):
    """The guide of the person's municipality, or of the municipality `?kommune=` names (a
    guide is no secret: a shared service's employee reads the guide of each case's
    municipality, linked from the case page). The page is then in that guide's language form."""
    number = request.GET.get("kommune", "")
    if number:
        municipality_id = municipality_id_by_number(number)
        if municipality_id is None:
            raise Http404("Ingen kommune har dette kommunenummeret.")
        municipality_enter(municipality_id)
    guide = request_guide(request)
    if guide is None:
        raise Http404("Ingen handlingsveileder er lastet inn.")
    return guide


@require_GET
def guide_index(request: HttpRequest) -> HttpResponse:
    guide = _guide(request)
    levels = list(guide_levels(guide))
    return render(
        request,
        "levels/guide.html",
        {"guide": guide, "levels": levels, "pyramid": build_pyramid(levels)},
    )


@require_GET
def step_detail(request: HttpRequest, code: str) -> HttpResponse:
    guide = _guide(request)
    step, previous, following = step_with_neighbours(guide, code)
    if step is None:
        raise Http404("Trinnet finnes ikke i handlingsveilederen.")
    return render(
        request,
        "levels/step.html",
        {
            "guide": guide,
            "step": step,
            "level": step.level,
            "previous": previous,
            "following": following,
        },
    )
