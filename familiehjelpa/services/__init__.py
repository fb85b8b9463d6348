"""Writes to familiehjelpa's records, by concept. Each function is one transaction, and writes
its own audit event in it with the outcome it had: a refused or no-op action writes none.

Work that touches a child's case goes through `cases.services` (the case itself, consent,
bringing a service in, coordination, meetings, the offer of responsibility) with its checks,
and leaves a line in that case's relay log; every step also leaves a line in the inquiry's own
history (`InquiryEvent`). History lines name cases by number only, never a child: the inquiry
keeps no copy of case data.
"""

from ..rules import MoveRefused
from .advice import advice_call_record
from .child_team import child_team_decide, child_team_refer
from .common import FUTURE_SLACK
from .contacts import family_contact_assign
from .conversations import conversation_book
from .duken import DukenConflict, duken_save
from .intake import (
    WORRY_BY_URGENCY,
    Caller,
    CaseReference,
    ChildRef,
    ConsentData,
    DuplicateChildren,
    NewChild,
    child_link_submitted,
    inquiry_child_add,
    inquiry_register,
    inquiry_submitted,
    needs_consent_message,
)
from .letters import reply_sent
from .referral import case_refer, referral_levels
from .triage import MappingConflict, inquiry_move, mapping_save

__all__ = [
    "FUTURE_SLACK",
    "WORRY_BY_URGENCY",
    "Caller",
    "CaseReference",
    "ChildRef",
    "ConsentData",
    "DukenConflict",
    "DuplicateChildren",
    "MappingConflict",
    "MoveRefused",
    "NewChild",
    "advice_call_record",
    "case_refer",
    "child_link_submitted",
    "child_team_decide",
    "child_team_refer",
    "conversation_book",
    "duken_save",
    "family_contact_assign",
    "inquiry_child_add",
    "inquiry_move",
    "inquiry_register",
    "inquiry_submitted",
    "mapping_save",
    "needs_consent_message",
    "referral_levels",
    "reply_sent",
]
