"""Familiehjelpa's pages, by concept. Every inquiry comes through `access.inquiry_for` (which
writes the read), so another service's inquiry (or one a family contact does not follow) is a
404, like a case; every case through `cases.access.visible_cases`. Writes go through
`services`, which write their own audit events; the views write none."""

from .board import board, move, numbers
from .duken import duken, duken_pdf, duken_version
from .inquiry import conversation_new, detail, mapping
from .intake import advice_new, child_add, inquiry_new
from .letters import reply_letter, reply_letter_pdf
from .referral import refer
from .team import child_team_decide, child_team_refer, contact_assign

__all__ = [
    "advice_new",
    "board",
    "child_add",
    "child_team_decide",
    "child_team_refer",
    "contact_assign",
    "conversation_new",
    "detail",
    "duken",
    "duken_pdf",
    "duken_version",
    "inquiry_new",
    "mapping",
    "move",
    "numbers",
    "refer",
    "reply_letter",
    "reply_letter_pdf",
]
