"""The access log in words a family and a leader can read: on the page, as the PDF a family
gets when it asks who has read the child's case (innsyn i logg), and as CSV."""

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.csv import csv_response
from bts.models import AuditEvent, Role
from bts.pdf import DocumentMeta, render_pdf
from levels.words import current_words, word_lazy

from .models import Case

# What an audit event's `detail` names: a page of the case, or what was changed.
DETAILS = {
    "": "",
    "fragment:log": _("stafettloggen"),
    "form": _("skjema sendt med feil"),
    "detail": _("saken"),
    "decide": _("beslutning"),
    "concern_add": word_lazy("concern_definite"),
    "concern": word_lazy("concern_definite"),
    "consent_new": _("samtykke"),
    "consent": _("samtykke"),
    "consent_withdraw": _("tilbaketrekking av samtykke"),
    "consent_form": _("signert samtykkeskjema"),
    "involve": _("tjenester i saken"),
    "report": _("melding til barnevernet"),
    "meeting_new": _("møte"),
    "meeting": _("møte"),
    "minutes": _("referat"),
    "minutes:conflict": _("referat (lagret av en annen samtidig)"),
    "measure_new": _("tiltak"),
    "measure": _("tiltak"),
    "evaluation_new": _("evaluering"),
    "evaluation": _("evaluering"),
    "handover_new": _("overføring av ansvaret"),
    "handover": _("overføring av ansvaret"),
    "handover_answer": _("svar på overføring"),
    "watch_end": _("følger ikke lenger saken"),
    "coordination": _("koordinerende tjeneste"),
    "wide_collaboration": _("tilbud på nivået"),
    "wide": _("tilbud på nivået"),
    "step": _("trinn"),
    "note": _("notat"),
    "checklist": _("sjekkliste"),
    "access_log": _("tilgangsloggen"),
    "access_report": _("innsynsrapport"),
    "access_log_csv": _("tilgangsloggen som CSV"),
    "not_visible": _("saken (ingen tilgang)"),
    "minutes_pdf": _("referat (PDF)"),
    "invitation_pdf": _("invitasjon (PDF)"),
    "consent_pdf": _("samtykke (PDF)"),
    "consent_form_blank": _("samtykkeskjema til signering (PDF)"),
    "report_pdf": _("melding til barnevernet (PDF)"),
    "decision_pdf": _("beslutning (PDF)"),
    "case_pdf": _("saken samlet (PDF)"),
    # What the family does on its page (family app), and who of them did it.
    "family_note": _("notat fra familien"),
    "family_topic": _("tema fra familien til neste møte"),
    "child_words": _("barnets egne ord"),
    "meeting_answer": _("svar på møte"),
    "consent_request": _("forespørsel om samtykke"),
    "consent_answer": _("svar på samtykke"),
    "minutes_share": _("referat delt med familien"),
    "referat": _("referat (PDF)"),
    "invitasjon": _("invitasjon (PDF)"),
    "samtykke": _("samtykke (PDF)"),
    "guardian": _("foresatt"),
    "youth": _("ungdommen selv"),
    "archive": _("arkivpakke"),
    "archive_package": _("arkivpakke lastet ned"),
    "archive_closed_cases": _("arkivpakke laget ved daglig kjøring"),
    "retention": _("personopplysninger slettet etter oppbevaringstiden"),
}
ROLES = dict(Role.choices)


def detail_label(detail: str) -> str:
    """`consent_form:12` → "signert samtykkeskjema"; an unknown code is shown as it is."""
    if detail in DETAILS:
        return str(DETAILS[detail])
    # `consent_answer;guardian:12`, `report_pdf:3`: the code before the first ; or :.
    head = re.split(r"[;:]", detail, maxsplit=1)[0]
    return str(DETAILS.get(head, detail))


def role_labels(roles: str) -> str:
    return ", ".join(str(ROLES.get(code, code)) for code in roles.split(",") if code)


def _who_without_account(event: AuditEvent) -> str:
    # The family's own reads (the family app's kinds) and writes (details naming the guardian or
    # the young person) are made with ID-porten, not an account.
    family = event.kind.startswith("family_") or re.search(r"(^|;)(guardian|youth):", event.detail)
    return str(_("familien (ID-porten)")) if family else str(_("ukjent"))


def describe(event: AuditEvent) -> dict:
    return {
        "at": timezone.localtime(event.at),
        "who": str(event.actor) if event.actor_id else _who_without_account(event),
        "role": role_labels(event.role),
        "what": event.get_kind_display(),
        "detail": detail_label(event.detail),
    }


def access_report_pdf(
    case: Case, events: list[AuditEvent], *, start: date | None, end: date | None, request
) -> bytes:
    """The access report for the family: every read and change of the case in the period."""
    meta = DocumentMeta(
        title=str(_("Innsyn i logg")),
        author=case.owner_service.name,
        subject=str(_("Sak %(pk)s") % {"pk": case.pk}),
        municipality=_municipality(request),
        generator=current_words().product,
    )
    return render_pdf(
        "cases/pdf/access_report.html",
        {
            "case": case,
            "rows": [describe(e) for e in events],
            "start": start,
            "end": end,
            "readers": sorted({str(e.actor) for e in events if e.actor_id}),
        },
        meta=meta,
        request=request,
    )


def access_log_csv(case: Case, events: list[AuditEvent]):
    header = [str(_("Tidspunkt")), str(_("Hvem")), str(_("Rolle")), str(_("Hendelse"))]
    header += [str(_("Detalj")), str(_("Forespørsel"))]
    rows = (
        [
            f"{r['at']:%Y-%m-%d %H:%M:%S}",
            r["who"],
            r["role"],
            r["what"],
            r["detail"],
            e.request_id,
        ]
        for e in events
        for r in [describe(e)]
    )
    return csv_response(header, rows, filename=f"tilgangslogg-sak-{case.pk}.csv")


def _municipality(request) -> str:
    from levels.selectors import request_guide

    guide = request_guide(request)
    return guide.municipality if guide else ""
