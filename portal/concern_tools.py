"""The toolbox's forms, offered inline in the undring forms of `cases` (cases/concern_tools.py
says why they come through here): read in two queries per form."""

from django.urls import reverse

from cases.concern_tools import ConcernTools, FactorList, ToolLink, WorryStep
from levels.models import Step
from levels.selectors import active_guide
from toolbox.loader import normalise_name
from toolbox.models import Tool
from toolbox.selectors import toolbox_municipality_id


def from_toolbox() -> ConcernTools:
    """The first worry scale of the toolbox (by the municipality's numbering: Øvre Eiker's
    "Bekymringsskala barn"), every tool's factor lists, and the tools the guide names for its
    first step (where an undring is written down), each with the link to its guidance page."""
    # The toolbox of the municipality the work is for (the case's, in a case's forms).
    own = Tool.objects.filter(toolbox__municipality_id=toolbox_municipality_id())
    tools = list(
        own.only("slug", "number", "title", "aliases", "scale", "factors").order_by("number")
    )
    if not tools:
        return ConcernTools()

    def link(tool: Tool) -> ToolLink:
        return ToolLink(tool.title, reverse("toolbox:tool", args=[tool.slug]))

    scales = [t for t in tools if t.scale]
    with_factors = [t for t in tools if t.factors]
    names = {normalise_name(n): t for t in tools for n in (t.title, *t.aliases)}
    first_step = (
        # The guide of the municipality the person works for.
        Step.objects.filter(level__guide=active_guide())
        .order_by("level__number", "position")
        .values_list("tools", flat=True)
        .first()
    )
    named = [names.get(normalise_name(n)) for n in first_step or []]

    def factor_lists(kind: str) -> tuple[FactorList, ...]:
        return tuple(
            FactorList(group.title, group.items)
            for tool in with_factors
            for group in tool.factor_groups
            if group.kind == kind
        )

    return ConcernTools(
        worry_steps=tuple(WorryStep(s.value, s.label, s.description) for s in scales[0].scale_steps)
        if scales
        else (),
        worry_links=tuple(link(t) for t in scales),
        risk=factor_lists("risk"),
        protective=factor_lists("protective"),
        factor_links=tuple(link(t) for t in with_factors),
        form_links=tuple(link(t) for t in dict.fromkeys(t for t in named if t)),
    )
