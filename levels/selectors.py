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


def neighbour_steps(step: Step) -> tuple[Step | None, Step | None]:
    """The previous and next step in the guide's reading order, across levels."""
    ordered = list(
        Step.objects.filter(level__guide_id=step.level.guide_id)
        .order_by("level__number", "position")
        .values_list("code", "title")
    )
    codes = [code for code, _ in ordered]
    i = codes.index(step.code)
    prev = Step(code=ordered[i - 1][0], title=ordered[i - 1][1]) if i > 0 else None
    nxt = Step(code=ordered[i + 1][0], title=ordered[i + 1][1]) if i + 1 < len(ordered) else None
    return prev, nxt


def request_guide(request) -> Guide | None:
    """The active guide, fetched once per request however many places ask for it."""
    if not hasattr(request, "_bts_active_guide"):
        request._bts_active_guide = active_guide()
    return request._bts_active_guide
