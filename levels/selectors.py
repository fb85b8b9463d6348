from django.db.models import Prefetch, QuerySet

from .models import Guide, Level, Step


def active_guide() -> Guide | None:
    """The guide in use, with its acute contacts (shown on every page)."""
    return Guide.objects.filter(is_active=True).prefetch_related("acute_contacts").first()


def guide_levels(guide: Guide) -> QuerySet[Level]:
    return guide.levels.prefetch_related(
        Prefetch(
            "steps",
            queryset=Step.objects.only(
                "id", "level_id", "code", "position", "title", "is_decision"
            ),
        )
    )


def guide_step(guide: Guide, code: str) -> Step | None:
    return Step.objects.select_related("level").filter(level__guide=guide, code=code).first()


def step_with_neighbours(guide: Guide, code: str) -> tuple[Step | None, Step | None, Step | None]:
    """The step, and the previous and next step in the guide's reading order across levels,
    in one query: a guide has a few dozen steps at most."""
    steps = list(
        Step.objects.select_related("level")
        .filter(level__guide=guide)
        .order_by("level__number", "position")
    )
    for i, step in enumerate(steps):
        if step.code == code:
            previous = steps[i - 1] if i > 0 else None
            following = steps[i + 1] if i + 1 < len(steps) else None
            return step, previous, following
    return None, None, None


def request_guide(request) -> Guide | None:
    """The active guide, fetched once per request however many places ask for it."""
    if not hasattr(request, "_bts_active_guide"):
        request._bts_active_guide = active_guide()
    return request._bts_active_guide
