"""Plain guide text to HTML: a blank line starts a paragraph, lines starting with "- " a list.

Every line is escaped; only the <p>/<ul>/<li> structure is ours.
"""

from itertools import groupby

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def _is_bullet(line: str) -> bool:
    return line.startswith(("- ", "• "))


@register.filter
def guide_text(value: str) -> SafeString:
    blocks: list[SafeString] = []
    for chunk in str(value or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        # Consecutive bullet lines form one list; other consecutive lines form one paragraph.
        for bullet, run in groupby(lines, key=_is_bullet):
            run = list(run)
            if bullet:
                items = format_html_join("", "<li>{}</li>", ((line[2:].strip(),) for line in run))
                blocks.append(format_html('<ul class="ds-list">{}</ul>', items))
            else:
                blocks.append(format_html('<p class="ds-paragraph">{}</p>', " ".join(run)))
    return format_html_join("", "{}", ((b,) for b in blocks))


@register.filter
def split_paragraphs(value: str) -> tuple[str, str]:
    """The first paragraph, and the rest: the akutt box shows the first one always."""
    first, _, rest = str(value or "").replace("\r\n", "\n").strip().partition("\n\n")
    return first, rest.strip()


@register.filter
def has_notes(contacts) -> bool:
    return any(contact.note for contact in contacts)
