"""What a family's session reads: its children and their cases, in the guide's words. Each read
of a case is audited (who: the guardians or the young person the session is for)."""

import hashlib
from dataclasses import dataclass

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.utils import timezone, translation

from bts.audit import record, refuse
from bts.models import IdentityProvider, Service, User
from cases import documents
from cases.models import (
    Case,
    Child,
    Consent,
    ConsentAnswer,
    Decision,
    Measure,
    Meeting,
    MeetingAnswer,
    RelayEntry,
)
from cases.reports import access_report_pdf, describe
from cases.selectors import access_events, latest_access_events
from cases.services import ConsentParty, consent_parties
from levels.language import language_form_for
from levels.models import Step
from levels.selectors import case_guide, guide_levels, step_with_neighbours

from . import access
from .events import FamilyAudit

# What the family's relay log leaves out: the report to barnevern (opplysningsplikt), which
# guardians are never told of here.
HIDDEN_ENTRIES = (RelayEntry.Kind.REPORT,)
ACCESS_LOG_SHOWN = 100


def family_providers():
    return IdentityProvider.objects.in_use(IdentityProvider.Audience.FAMILY)


def who(data: dict) -> str:
    """The session's people, for the audit trail: ids, never names or numbers."""
    if data["guardians"]:
        return f"guardian:{','.join(map(str, data['guardians']))}"
    return f"youth:{','.join(map(str, data['youth']))}"


def family_children(data: dict) -> list[Child]:
    """The children this session is for, each with the cases it may read (`family_cases`)."""
    cases = access.family_cases(data).only("pk", "child_id", "opened_at", "status")
    return list(
        Child.objects.filter(pk__in=data["children"], municipality_id=data["municipality"])
        .only("pk", "first_name", "last_name")
        .prefetch_related(
            Prefetch("cases", queryset=cases.order_by("-opened_at"), to_attr="family_cases")
        )
        .order_by("first_name")
    )


@dataclass(frozen=True)
class FamilyCase:
    """One case as the family reads it."""

    case: Case
    level_title: str
    step: Step | None
    next_step: Step | None
    holder: User | None
    service: Service
    meetings: list[Meeting]
    measures: list[Measure]
    decisions: list[Decision]
    log: list[RelayEntry]
    # Who has read and changed the case, in words, newest first (the PDF has them all).
    access_log: list[dict]
    consents: list["FamilyConsent"]
    # The meetings whose referat the holder has shared with the family.
    shared_minutes: list[Meeting]
    # The municipality's language form: what the log and the consent texts are written in.
    text_language: str


@dataclass
class FamilyConsent:
    """A consent as the family's page shows it: the text, each party's answer, and what this
    session may do with it."""

    consent: Consent
    # (name, the answer's label, or None while the party has not answered)
    answers: list[tuple[str, str | None]]
    mine: ConsentAnswer | None
    # The text as the municipality wrote it, and the translation into the page's language when
    # that is another (else "").
    text: str
    translation: str
    may_answer: bool
    may_withdraw: bool

    @property
    def text_shown(self) -> str:
        return self.text + ("\n\n" + self.translation if self.translation else "")

    @property
    def digest(self) -> str:
        return text_digest(self.text_shown)


def text_digest(text: str) -> str:
    """What the answer form carries of the text it was shown with: an answer given to a text
    that has changed since is refused."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def family_case(data: dict, pk: int) -> FamilyCase:
    """The case page of a family: where the case is, who holds it, the meetings ahead, the
    measures, the decisions with their reasons and the log. A 404 (audited) for any case the
    session may not read; the read itself is audited."""
    case = access.family_case_or_404(data, pk)
    guide = case_guide(case)
    step = next_step = None
    level_title = ""
    if guide is not None:
        step, _previous, next_step = step_with_neighbours(guide, case.step_code)
        level_title = next((lv.title for lv in guide_levels(guide) if lv.number == case.level), "")
    record(kind=FamilyAudit.FAMILY_CASE_VIEWED, case_id=case.pk, detail=who(data))
    # The child's guardians, once: the session's own among them, and (for the consents' parties)
    # everyone's.
    prefetch_related_objects([case.child], "guardians")
    guardians = list(case.child.guardians.all())
    guardian = next(
        (g for g in guardians if g.pk in data["guardians"] and g.has_parental_responsibility),
        None,
    )
    # What a guardian at a strictly confidential address answered to a meeting is theirs and
    # the protected's to read.
    hidden_answers = (
        set()
        if access.sees_protected(data, case, guardian=guardian)
        else {g.name for g in guardians if g.address_protected}
    )
    answers = MeetingAnswer.objects.exclude(by_family__in=hidden_answers)
    return FamilyCase(
        case=case,
        level_title=level_title,
        step=step,
        next_step=next_step if case.status == Case.Status.OPEN else None,
        holder=case.responsible,
        service=case.owner_service,
        meetings=list(
            case.meetings.filter(starts_at__gte=timezone.now() - access.ANSWERABLE_FOR)
            .prefetch_related("participant_services", Prefetch("family_answers", answers))
            .order_by("starts_at")
        ),
        measures=list(
            case.measures.select_related("responsible_service").order_by("evaluation_due")
        ),
        decisions=list(
            case.decisions.only("decided_at", "to_level", "reason").order_by("-decided_at")
        ),
        log=list(
            family_log(data, case, guardian=guardian).select_related("actor").order_by("-at", "-id")
        ),
        access_log=[
            describe(e) for e in latest_access_events(case, count=ACCESS_LOG_SHOWN, for_family=True)
        ],
        consents=family_consents(data, case, guardian=guardian),
        text_language=language_form_for(guide),
        shared_minutes=list(
            case.meetings.filter(minutes__shared_with_family_at__isnull=False).order_by(
                "-starts_at"
            )
        ),
    )


def family_log(data: dict, case: Case, **guardian):
    """The relay log as the family reads it: not the report to barnevern, not what the holder
    keeps back for now, and what concerns a strictly confidential address only for those under
    that protection."""
    entries = case.relay_entries.exclude(kind__in=HIDDEN_ENTRIES).filter(
        Q(shared_from__isnull=True) | Q(shared_from__lte=timezone.now())
    )
    if not access.sees_protected(data, case, **guardian):
        entries = entries.exclude(protected_address=True)
    return entries


def family_consents(data: dict, case: Case, **guardian) -> list[FamilyConsent]:
    """The case's consents, newest first; a digital one with its text and everyone's answers."""
    party = access.family_party(data, case, **guardian)
    language = translation.get_language()
    text_language = language_form_for(case_guide(case))
    shown = []
    consents = list(
        case.consents.prefetch_related("services", "answers").order_by("-given_on", "-id")
    )
    if consents:
        prefetch_related_objects([case.child], "guardians")  # each consent's parties
    for consent in consents:
        answers = list(consent.answers.all())
        mine = next((a for a in answers if party and _is(a, party)), None)
        listed = []
        parties = consent_parties(case, list(consent.information))
        if consent.form == Consent.Form.DIGITAL:
            for each in parties:
                given = next((a for a in answers if _is(a, each)), None)
                listed.append((each.name, given.get_answer_display() if given else None))
        translated = ""
        if consent.form == Consent.Form.DIGITAL and language != text_language:
            translated = documents.consent_text(case, documents.consent_request_of(consent))
        shown.append(
            FamilyConsent(
                consent=consent,
                answers=listed,
                mine=mine,
                text=consent.text,
                translation=translated,
                may_answer=bool(
                    party and mine is None and party in parties and consent.takes_answers
                ),
                # Anyone who must consent may withdraw an active consent, however it was
                # given; one still waiting, whoever has given it.
                may_withdraw=bool(
                    party
                    and (
                        (consent.is_active and (party in parties or mine is not None))
                        or (consent.takes_answers and mine is not None)
                    )
                ),
            )
        )
    return shown


def _is(answer: ConsentAnswer, party: ConsentParty) -> bool:
    if party.by_child:
        return answer.by_child
    return answer.guardian_id == party.guardian.pk


def family_consent(data: dict, pk: int, consent_pk: int) -> tuple[Case, FamilyConsent]:
    """One consent of one of the family's cases, as its page shows it; else a 404, audited."""
    case = access.family_case_or_404(data, pk)
    found = next((c for c in family_consents(data, case) if c.consent.pk == consent_pk), None)
    if found is None:
        refuse(case_id=case.pk, detail="family_consent")
        raise Http404
    return case, found


# The documents of a case the family may download besides the access report: (how each is
# found among the case's objects, how it is made).
FAMILY_DOCUMENTS = ("referat", "invitasjon", "samtykke")


def family_document(
    data: dict, pk: int, kind: str, object_pk: int, *, request
) -> tuple[str, bytes]:
    """A document of one of the family's cases as PDF/A, in the family's language where it is
    made for them: a referat the holder has shared, an invitation to a meeting ahead, the record
    of a consent (the family's copy). Anything else is a 404, audited; the download is audited.
    (A decision's PDF holds the child's own view, which is the child's: the family's page shows
    the decision and its reason.)"""
    if kind not in FAMILY_DOCUMENTS:
        access.refuse_unknown(pk, "family_document")
    case = access.family_case_or_404(data, pk)
    made = None
    if kind == "referat":
        meeting = (
            case.meetings.filter(pk=object_pk, minutes__shared_with_family_at__isnull=False)
            .select_related("minutes")
            .first()
        )
        if meeting is not None:
            made = (f"referat-{meeting.starts_at:%Y-%m-%d}", documents.minutes_pdf(case, meeting))
    elif kind == "invitasjon":
        meeting = case.meetings.filter(
            pk=object_pk, starts_at__gte=timezone.now() - access.ANSWERABLE_FOR
        ).first()
        if meeting is not None:
            made = (
                f"invitasjon-{meeting.starts_at:%Y-%m-%d}",
                documents.invitation_pdf(case, meeting),
            )
    elif kind == "samtykke":
        consent = case.consents.filter(pk=object_pk).prefetch_related("services", "answers").first()
        if consent is not None:
            made = (
                f"samtykke-{consent.given_on:%Y-%m-%d}",
                documents.consent_record_pdf(case, consent, for_family=True),
            )
    if made is None:
        refuse(case_id=case.pk, detail=f"family_document:{kind}"[:120])
        raise Http404
    record(
        kind=FamilyAudit.FAMILY_DOCUMENT_EXPORTED,
        case_id=case.pk,
        detail=f"{kind};{who(data)}"[:120],
    )
    name, pdf = made
    return f"{name}-sak-{case.pk}.pdf", pdf


def family_access_report(data: dict, pk: int, *, request) -> tuple[Case, bytes]:
    """The access report (innsyn i logg) of one of the family's cases, as PDF/A: every read
    and change of the case. The download is itself audited."""
    case = access.family_case_or_404(data, pk)
    pdf = access_report_pdf(
        case, access_events(case, for_family=True), start=None, end=None, request=request
    )
    record(
        kind=FamilyAudit.FAMILY_DOCUMENT_EXPORTED,
        case_id=case.pk,
        detail=f"access_report;{who(data)}"[:120],
    )
    return case, pdf


def family_contact(data: dict) -> str:
    """The e-mail address the session's person confirmed for notices ("" if none)."""
    guardians, youth = access.own_rows(data)
    rows = guardians if data["guardians"] else youth
    return (
        rows.filter(notice_email_confirmed_at__isnull=False)
        .exclude(notice_email="")
        .values_list("notice_email", flat=True)
        .first()
        or ""
    )
