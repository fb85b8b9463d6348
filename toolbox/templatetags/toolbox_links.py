"""Links from the guide's step pages to the toolbox: `{% tool_links step.tools as tools %}`
gives each name with the page it names, or no page. The guide (levels) knows nothing of the
toolbox; the step template asks this tag, which reads the names once per request."""

from django import template

from toolbox.selectors import NamedLink, named_links

register = template.Library()


@register.simple_tag(takes_context=True)
def tool_links(context, names) -> list[NamedLink]:
    return named_links(context.get("request"), list(names or []))
