"""Case pages by concept. Every case comes through `cases.access`, so another service's case is
a 404; `cases/urls.py` takes the views from here."""

from .case import case_list, checklist, concern_add, detail, note_add, step_done
from .consent import (
    consent_ask,
    consent_document,
    consent_form,
    consent_new,
    consent_pdf,
    consent_withdraw,
    involve,
)
from .decisions import decide, decision_pdf, proposal_answer, report, report_pdf
from .intake import acute, anonymous_new, child_new, child_search, concern_new, new
from .measures import evaluation_new, measure_new
from .meetings import invitation_pdf, meeting_new, minutes, minutes_pdf, minutes_share
from .records import (
    access_log,
    access_log_csv,
    access_report,
    archive_download,
    archive_page,
    case_pdf,
)
from .responsibility import (
    coordination,
    handover_answer,
    handover_new,
    reassign_all,
    watch_end,
    wide_collaboration,
)

__all__ = [
    "access_log",
    "access_log_csv",
    "access_report",
    "acute",
    "anonymous_new",
    "archive_download",
    "archive_page",
    "case_list",
    "case_pdf",
    "checklist",
    "child_new",
    "child_search",
    "concern_add",
    "concern_new",
    "consent_ask",
    "consent_document",
    "consent_form",
    "consent_new",
    "consent_pdf",
    "consent_withdraw",
    "coordination",
    "decide",
    "decision_pdf",
    "detail",
    "evaluation_new",
    "handover_answer",
    "handover_new",
    "invitation_pdf",
    "involve",
    "measure_new",
    "meeting_new",
    "minutes",
    "minutes_pdf",
    "minutes_share",
    "new",
    "note_add",
    "proposal_answer",
    "reassign_all",
    "report",
    "report_pdf",
    "step_done",
    "watch_end",
    "wide_collaboration",
]
