"""Reads of case data that a page makes besides the one its access check audits, each writing
its one audit event where it reads: a form that comes back with errors shows the case again, a
conflict page shows what another saved, a search shows children, a list shows cases, a download
hands out a document. The reads granted by id are the access policy's (cases/access.py)."""

from dataclasses import dataclass, field
from datetime import date

from django.http import Http404

from bts import audit
from bts.models import User

from . import documents, selectors
from .events import CaseAudit
from .models import Case, Consent


def form_returned(case: Case, *, detail: str = "form") -> None:
    """A posted form came back with errors: the page showed the case again."""
    audit.record(kind=CaseAudit.CASE_VIEWED, case_id=case.pk, detail=detail)


def minutes_conflict_shown(case: Case) -> None:
    """Someone saved the minutes first: the conflict page shows their text."""
    audit.record(kind=CaseAudit.CASE_VIEWED, case_id=case.pk, detail="minutes:conflict")


def children_found(user: User, *, query: str, birth_date: date | None) -> list:
    """Find before create, among the children the user may see; the search is audited with
    the number of hits (never the words searched for)."""
    results = list(selectors.find_children(user, query=query, birth_date=birth_date))
    audit.record(kind=CaseAudit.CHILD_SEARCHED, detail=f"treff:{len(results)}")
    return results


# A search for siblings offers at most this many children: enough to find one, never a list.
SIBLINGS_FOUND = 5


@dataclass(frozen=True)
class SiblingOffer:
    children: list = field(default_factory=list)
    looked_up: bool = False  # guardians were given or a search was made
    more: bool = False  # the search found more than it shows


def siblings_offered(
    user: User,
    *,
    names=(),
    phones=(),
    emails=(),
    query: str = "",
    birth_date: date | None = None,
    ticked=(),
) -> SiblingOffer:
    """The children a new child's form offers as siblings, all among those the user may see:
    the ones with a guardian in common with it, the few a search finds, and those already
    ticked. Never a list of every child. One audit event when it shows or looks for any,
    with the number shown (never the words searched for)."""
    by_guardian = bool(names or phones or emails)
    shared = (
        list(selectors.children_sharing_guardian(user, names=names, phones=phones, emails=emails))
        if by_guardian
        else []
    )
    found = (
        list(
            selectors.find_children(
                user, query=query, birth_date=birth_date, limit=SIBLINGS_FOUND + 1
            )
        )
        if query.strip() or birth_date
        else []
    )
    more = len(found) > SIBLINGS_FOUND
    offered = {child.pk: child for child in [*ticked, *shared, *found[:SIBLINGS_FOUND]]}
    children = sorted(offered.values(), key=lambda c: (c.last_name, c.first_name, c.pk))
    looked_up = by_guardian or bool(query.strip() or birth_date)
    if looked_up or children:
        audit.record(kind=CaseAudit.CHILD_SEARCHED, detail=f"siblings:{len(children)}")
    return SiblingOffer(children=children, looked_up=looked_up, more=more)


def case_list(
    user: User, *, status: str, level: int | None, service_id: int | None, after: str
) -> selectors.CaseListPage:
    """One page of the case list (children's names): one event per page, no case id."""
    page = selectors.case_list(user, status=status, level=level, service_id=service_id, after=after)
    audit.record(kind=CaseAudit.CASE_LIST_VIEWED, detail=f"list:{len(page.cases)}")
    return page


def signed_consent_form(case: Case, consent_pk: int) -> Consent:
    """The consent with its signed form, handed out as a download: an audited export. A
    consent of another case, or one without a stored form, is a 404."""
    consent = case.consents.select_related("document").filter(pk=consent_pk).first()
    if consent is None or consent.document is None:
        raise Http404
    audit.record(
        kind=CaseAudit.DOCUMENT_EXPORTED, case_id=case.pk, detail=f"consent_form:{consent.pk}"
    )
    return consent


def consent_form_blank(
    case: Case, request: documents.ConsentRequest, *, language: str | None = None
) -> bytes:
    """The consent form filled in for the family to sign, as PDF: an audited export."""
    audit.record(kind=CaseAudit.DOCUMENT_EXPORTED, case_id=case.pk, detail="consent_form_blank")
    return documents.consent_form_pdf(
        case,
        request,
        responsible_guardians=list(case.child.guardians.filter(has_parental_responsibility=True)),
        language=language,
    )


def relay_log_shown(case: Case) -> None:
    """The relay log alone (filtered, or its next page), fetched by htmx: a read of the case."""
    audit.record(kind=CaseAudit.CASE_VIEWED, case_id=case.pk, detail="fragment:log")
