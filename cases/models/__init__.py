"""A child's course through the levels: the case, what started it, and everything done since.

One module per concept; every model is imported here, so `from cases.models import X` works and
Django finds them all in the app's models package.
"""

from .case import AnonymousDiscussion, Case, Concern, RelayEntry, ReminderSent, StepCheck
from .child import Child, Guardian
from .consent import Consent, ConsentAnswer, Involvement
from .decisions import ChildNotHeard, ChildProtectionReport, Decision, DecisionProposal
from .measures import Evaluation, Measure
from .meetings import Meeting, MeetingAnswer, Minutes
from .responsibility import (
    CaseGroupGrant,
    CaseUserGrant,
    Coordination,
    Handover,
    Watch,
    WideCollaboration,
)

__all__ = [
    "AnonymousDiscussion",
    "Case",
    "CaseGroupGrant",
    "CaseUserGrant",
    "Child",
    "ChildNotHeard",
    "ChildProtectionReport",
    "Concern",
    "Consent",
    "ConsentAnswer",
    "Coordination",
    "Decision",
    "DecisionProposal",
    "Evaluation",
    "Guardian",
    "Handover",
    "Involvement",
    "Measure",
    "Meeting",
    "MeetingAnswer",
    "Minutes",
    "RelayEntry",
    "ReminderSent",
    "StepCheck",
    "Watch",
    "WideCollaboration",
]
