"""Writes to case data, by concept. Each function is one transaction, leaves a line in the relay
log and writes its own audit event with the outcome it had: a refused action (an exception) or
one that changed nothing (a double submit, a stale form) writes no "changed" event.

The functions familiehjelpa also uses as steps of its own actions (opening a case, consent,
bringing in a service, meetings, handover, coordination, wide collaboration) write their event
unless called with `audited=False`: familiehjelpa passes it and writes one event for its whole
action. Audited by default, so a caller that forgets writes one event too many, never one too
few.

Guardians are told only that something is new on the family's page (cases.family_notices),
and only for a meeting booked, a referat shared or consent asked for, at the address they
confirmed there; the report to barnevern never reaches them.
"""

from ._common import relay_entry_add
from .consent import (
    ConsentClosed,
    ConsentMissing,
    ConsentParty,
    child_consent_age,
    consent_answer,
    consent_parties,
    consent_record,
    consent_request,
    consent_withdraw,
    consent_withdraw_by_family,
    reaches_family_page,
    service_involve,
)
from .decisions import (
    case_decide,
    checklist_save,
    child_voice_check,
    note_add,
    progress_advance,
    proposal_answer,
    report_file,
    step_complete,
)
from .family import family_note_add, meeting_answer
from .intake import (
    ChildData,
    ConcernData,
    GuardianData,
    PossibleDuplicates,
    acute_case_open,
    anonymous_discussion_record,
    case_open,
    case_open_with_report,
    child_create,
    child_register,
    concern_add,
)
from .measures import evaluation_add, measure_add
from .meetings import MinutesConflict, meeting_invite, minutes_save, minutes_share
from .responsibility import (
    cases_reassign_all,
    coordination_set,
    handover_answer,
    handover_offer,
    watch_end,
    wide_collaboration_save,
)

__all__ = [
    "ChildData",
    "ConcernData",
    "ConsentClosed",
    "ConsentMissing",
    "ConsentParty",
    "GuardianData",
    "MinutesConflict",
    "PossibleDuplicates",
    "acute_case_open",
    "anonymous_discussion_record",
    "case_decide",
    "case_open",
    "case_open_with_report",
    "cases_reassign_all",
    "checklist_save",
    "child_consent_age",
    "child_create",
    "child_register",
    "child_voice_check",
    "concern_add",
    "consent_answer",
    "consent_parties",
    "consent_record",
    "consent_request",
    "consent_withdraw",
    "consent_withdraw_by_family",
    "coordination_set",
    "evaluation_add",
    "family_note_add",
    "handover_answer",
    "handover_offer",
    "measure_add",
    "meeting_answer",
    "meeting_invite",
    "minutes_save",
    "minutes_share",
    "note_add",
    "progress_advance",
    "proposal_answer",
    "reaches_family_page",
    "relay_entry_add",
    "report_file",
    "service_involve",
    "step_complete",
    "watch_end",
    "wide_collaboration_save",
]
