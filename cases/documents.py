"""The documents of a case, as PDF/A: what a municipality archives and sends to families.

Each function renders one document through `bts.pdf.render_pdf`, the one rendering path, from
a template in templates/cases/pdf/. They take objects already fetched and scoped by the view
(or by the archive package), and never decide who may have them: the views do.
"""

import html
import re
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from bts.pdf import DocumentMeta, render_pdf
from levels.selectors import active_guide
from levels.words import current_words

from .models import (
    Case,
    ChildProtectionReport,
    Consent,
    Decision,
    Meeting,
    Minutes,
    RelayEntry,
)


def _meta(case: Case, title: str, *, author: str = "", created=None) -> DocumentMeta:
    # The case's municipality, named as its guide has it (the process's copy: no query).
    guide = active_guide(case.municipality_id)
    return DocumentMeta(
        title=title,
        author=author or case.owner_service.name,
        subject=case.reference,
        municipality=guide.municipality.name if guide else "",
        created=created or timezone.now(),
        generator=current_words().product,
    )


def _render(template_name: str, context: dict, *, meta: DocumentMeta) -> bytes:
    """`render_pdf` with the guide's words (`{{ words.concern }}` …): a document has no request,
    so the pages' context processor does not give them."""
    return render_pdf(template_name, {**context, "words": current_words()}, meta=meta)


def minutes_title(meeting: Meeting) -> str:
    return _("Referat fra %(kind)s %(date)s") % {
        "kind": meeting.get_kind_display().lower(),
        "date": f"{timezone.localtime(meeting.starts_at):%d.%m.%Y}",
    }


def minutes_pdf(case: Case, meeting: Meeting) -> bytes:
    """The referat of a meeting of any kind, with who took part and the template's sections."""
    minutes = meeting.saved_minutes
    return _render(
        "cases/pdf/minutes.html",
        {
            "case": case,
            "meeting": meeting,
            "minutes": minutes,
            "sections": Minutes.labelled(minutes),
        },
        meta=_meta(case, minutes_title(meeting), created=minutes.updated_at if minutes else None),
    )


def invitation_title(meeting: Meeting) -> str:
    return _("Invitasjon til %(kind)s") % {"kind": meeting.get_kind_display().lower()}


def invitation_pdf(case: Case, meeting: Meeting) -> bytes:
    """The invitation to a meeting: an invitation, not a summons."""
    return _render(
        "cases/pdf/invitation.html",
        {"case": case, "meeting": meeting},
        meta=_meta(case, invitation_title(meeting), created=meeting.created_at),
    )


@dataclass(frozen=True)
class ConsentRequest:
    """What a consent form for signing asks for (not yet a consent: nobody has signed)."""

    services: list
    information: list[str]
    information_other: str
    purpose: str
    expires_on: date | None


def consent_form_pdf(
    case: Case, request: ConsentRequest, *, responsible_guardians, language: str | None = None
) -> bytes:
    """The samtykkeskjema, filled in for the guardians (and the child, by age) to sign; in
    `language` (one of the family's) with the Norwegian text, which is the one that holds,
    beside it."""
    labels = dict(Consent.Information.choices)
    norwegian = translation.get_language()
    authoritative = consent_text(case, request) if language and language != norwegian else ""
    with translation.override(language or norwegian):
        return _render(
            "cases/pdf/consent_form.html",
            {
                "case": case,
                "request": request,
                "information": [labels[k] for k in request.information],
                "guardians": responsible_guardians,
                "guide": active_guide(case.municipality_id),
                "authoritative": authoritative,
                "authoritative_language": norwegian,
            },
            meta=_meta(case, _("Samtykke til samarbeid og utveksling av opplysninger")),
        )


def consent_request_of(consent: Consent) -> ConsentRequest:
    """What a recorded consent asked for, as a request (its text, its form)."""
    return ConsentRequest(
        services=sorted(consent.services.all(), key=lambda s: s.name),
        information=list(consent.information),
        information_other=consent.information_other,
        purpose=consent.purpose,
        expires_on=consent.expires_on,
    )


_BLOCK_END = re.compile(r"</(p|h2|li|ul)>")


def consent_text(case: Case, request: ConsentRequest) -> str:
    """The consent request's text in the active language, as plain text: the same words as the
    form to sign (templates/cases/_consent_text.html). What a digital request keeps, and shows."""
    labels = dict(Consent.Information.choices)
    markup = render_to_string(
        "cases/_consent_text.html",
        {
            "case": case,
            "request": request,
            "information": [str(labels[k]) for k in request.information],
            "guide": active_guide(case.municipality_id),
        },
    )
    markup = markup.replace("<li>", "<li>– ")
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", markup)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def consent_title(consent: Consent) -> str:
    if consent.refused:
        return _("Avslag på samtykke %(date)s") % {"date": f"{consent.given_on:%d.%m.%Y}"}
    return _("Samtykke %(date)s") % {"date": f"{consent.given_on:%d.%m.%Y}"}


def consent_record_pdf(case: Case, consent: Consent, *, for_family: bool = False) -> bytes:
    """The record of a consent as given (or refused), withdrawn or expired. The family's copy
    leaves out staff's notes of how it was given or withdrawn (an oral consent's note may say
    where someone is), and who recorded it."""
    return _render(
        "cases/pdf/consent_record.html",
        {
            "case": case,
            "consent": consent,
            "today": timezone.localdate(),
            "for_family": for_family,
        },
        meta=_meta(case, consent_title(consent)),
    )


def report_title(report: ChildProtectionReport) -> str:
    return _("Melding til barnevernet %(date)s") % {
        "date": f"{timezone.localtime(report.reported_at):%d.%m.%Y}"
    }


def report_pdf(case: Case, report: ChildProtectionReport) -> bytes:
    """The report to barnevern (bekymringsmelding) as it was filed."""
    return _render(
        "cases/pdf/report.html",
        {"case": case, "report": report},
        meta=_meta(case, report_title(report), created=report.reported_at),
    )


def decision_title(decision: Decision) -> str:
    return _("Beslutning %(date)s") % {
        "date": f"{timezone.localtime(decision.decided_at):%d.%m.%Y}"
    }


def decision_pdf(case: Case, decision: Decision) -> bytes:
    """A decision at a decision step, with its reason and the child's voice."""
    return _render(
        "cases/pdf/decision.html",
        {"case": case, "decision": decision},
        meta=_meta(case, decision_title(decision), created=decision.decided_at),
    )


def case_pdf(case: Case, *, parts: "CaseParts") -> bytes:
    """The whole case in one document: summary, levels and decisions with their reasons, every
    meeting with its minutes, measures and evaluations, consents, reports and the relay log."""
    return _render(
        "cases/pdf/case.html",
        {"case": case, "parts": parts, "today": timezone.localdate()},
        meta=_meta(case, _("Saken samlet")),
    )


@dataclass(frozen=True)
class CaseParts:
    """Everything of a case the documents show, each fetched once (see cases.archive)."""

    concerns: list
    decisions: list
    meetings: list
    measures: list
    consents: list
    reports: list
    coordinations: list
    log: list[RelayEntry]
