"""A case's step as lists show it: its code and, from the active guide, its title."""

from django import template

from ..selectors import request_guide, step_titles

register = template.Library()


@register.simple_tag(takes_context=True)
def step_label(context, code: str) -> str:
    """The step as "0.1 Undring oppstår". The guide is the request's copy of the cached one,
    so a list of any length costs no query; a code the guide no longer has is shown alone."""
    request = context.get("request")
    title = step_titles(request_guide(request)).get(code, "") if request is not None else ""
    return f"{code} {title}" if title else code
