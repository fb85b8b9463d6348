from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .pyramid import build_pyramid
from .selectors import guide_levels, request_guide, step_with_neighbours


def _guide(request: HttpRequest):
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
