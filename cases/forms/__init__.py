"""The case app's forms, one module per concept; every form is imported here, so
`from cases.forms import X` works."""

from .base import Form
from .case import AccessPeriodForm, CaseListFilterForm, NoteForm, StepCompleteForm
from .child import (
    AcuteChildForm,
    ChildForm,
    ChildSearchForm,
    GuardianForm,
    GuardianFormSet,
    sibling_lookup,
)
from .consent import (
    ConsentAskForm,
    ConsentForm,
    ConsentFormForm,
    ConsentRequestForm,
    ConsentWithdrawForm,
    InvolveForm,
)
from .decisions import DecisionForm, ProposalAnswerForm, ReportForm
from .intake import AcuteQuestionForm, AnonymousDiscussionForm, ConcernForm, DescribedRadioSelect
from .measures import EvaluationForm, MeasureForm
from .meetings import MeetingForm, MinutesForm
from .responsibility import (
    CoordinationForm,
    HandoverAnswerForm,
    HandoverForm,
    ReassignAllForm,
    WideCollaborationForm,
)

__all__ = [
    "AccessPeriodForm",
    "AcuteChildForm",
    "AcuteQuestionForm",
    "AnonymousDiscussionForm",
    "CaseListFilterForm",
    "ChildForm",
    "ChildSearchForm",
    "ConcernForm",
    "ConsentAskForm",
    "ConsentForm",
    "ConsentFormForm",
    "ConsentRequestForm",
    "ConsentWithdrawForm",
    "CoordinationForm",
    "DecisionForm",
    "DescribedRadioSelect",
    "EvaluationForm",
    "Form",
    "GuardianForm",
    "GuardianFormSet",
    "HandoverAnswerForm",
    "HandoverForm",
    "InvolveForm",
    "MeasureForm",
    "MeetingForm",
    "MinutesForm",
    "NoteForm",
    "ProposalAnswerForm",
    "ReassignAllForm",
    "ReportForm",
    "StepCompleteForm",
    "WideCollaborationForm",
    "sibling_lookup",
]
