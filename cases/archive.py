"""The archive package of a closed case, for the municipality's records system (arkivlova).

One zip: every document of the case as PDF/A-2u (the whole case in one document, then each
referat, consent, report to barnevern and decision on its own), the signed consent forms as
they were uploaded, and `arkivstruktur.xml`, shaped like Noark 5's arkivstruktur: one mappe for
the case, a registrering per document, each with its dokumentbeskrivelse and dokumentobjekt
(title, dates, format, file reference, SHA-256 and size), so a records system can ingest it.
The package is stored with the case, and the case is marked archived with its checksum.
"""

import hashlib
import io
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree as ET

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bts import audit
from bts.models import StoredFile, User
from levels.words import current_words

from . import documents
from .events import CaseAudit
from .models import (
    Case,
    ChildProtectionReport,
    Consent,
    Coordination,
    Evaluation,
    Measure,
    Meeting,
    RelayEntry,
)

NOARK = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# Stable ids: making the package again gives every document the same systemID.
ID_NAMESPACE = uuid.UUID("5b7f3a52-2a4e-4f0e-9d2b-6f8f3c1d2e10")
# Case documents about a child are confidential: screened under the public records act.
SCREENING = {
    "tilgangsrestriksjon": "13",
    "skjermingshjemmel": "Offl. § 13 jf. fvl. § 13",
    "skjermingMetadata": "tittel",
    "skjermingDokument": "Hele dokumentet",
}
FORMATS = {
    "application/pdf": ("PDF", "PDF"),
    "image/png": ("PNG", "PNG"),
    "image/jpeg": ("JPEG", "JPEG"),
}


class NotClosed(Exception):
    """Only a closed case is archived: an open one still changes."""


def case_parts(case: Case) -> documents.CaseParts:
    """Everything the case's documents show, each in one query whatever its size."""
    return documents.CaseParts(
        concerns=list(case.concerns.order_by("created_at")),
        decisions=list(case.decisions.select_related("decided_by").order_by("decided_at")),
        meetings=list(
            Meeting.objects.filter(case=case)
            .select_related("minutes__updated_by", "invited_by")
            .prefetch_related("participants", "participant_services")
            .order_by("starts_at", "id")
        ),
        measures=list(
            Measure.objects.filter(case=case)
            .select_related("responsible_service", "responsible_person")
            .prefetch_related(
                Prefetch("evaluations", queryset=Evaluation.objects.order_by("evaluated_on", "id"))
            )
            .order_by("starts_on", "id")
        ),
        consents=list(
            Consent.objects.filter(case=case)
            .select_related("document", "recorded_by")
            .prefetch_related("services")
            .order_by("given_on", "id")
        ),
        reports=list(
            ChildProtectionReport.objects.filter(case=case)
            .select_related("received_by", "reported_by")
            .order_by("reported_at")
        ),
        coordinations=list(
            Coordination.objects.filter(case=case).select_related("service").order_by("starts_at")
        ),
        log=list(RelayEntry.objects.filter(case=case).select_related("actor").order_by("at", "id")),
    )


@dataclass
class ArchiveDocument:
    """One document of the package: a registrering with its main document and attachments."""

    key: str  # stable within the case: gives the systemID
    title: str
    created: datetime
    file_name: str
    content: bytes
    content_type: str = "application/pdf"
    pdf_a: bool = True
    attachments: list["ArchiveDocument"] = field(default_factory=list)


# Other apps with documents about a case (familiehjelpa's DUKEN and reply letter) add them.
_CONTRIBUTORS: list[Callable[[Case], list[ArchiveDocument]]] = []


def archive_contributor_register(contributor: Callable[[Case], list[ArchiveDocument]]) -> None:
    if contributor not in _CONTRIBUTORS:
        _CONTRIBUTORS.append(contributor)


def _documents(case: Case, parts: documents.CaseParts) -> list[ArchiveDocument]:
    local = timezone.localtime
    docs = [
        ArchiveDocument(
            "case",
            _("Saken samlet"),
            timezone.now(),
            "saken-samlet.pdf",
            documents.case_pdf(case, parts=parts),
        )
    ]
    for meeting in parts.meetings:
        if meeting.saved_minutes is None:
            continue
        docs.append(
            ArchiveDocument(
                f"minutes:{meeting.pk}",
                documents.minutes_title(meeting),
                meeting.saved_minutes.updated_at,
                f"referat-{local(meeting.starts_at):%Y-%m-%d}-{slugify(meeting.kind)}-{meeting.pk}.pdf",
                documents.minutes_pdf(case, meeting),
            )
        )
    for consent in parts.consents:
        record = ArchiveDocument(
            f"consent:{consent.pk}",
            documents.consent_title(consent),
            datetime.combine(
                consent.given_on, datetime.min.time(), tzinfo=timezone.get_current_timezone()
            ),
            f"samtykke-{consent.given_on:%Y-%m-%d}-{consent.pk}.pdf",
            documents.consent_record_pdf(case, consent),
        )
        if consent.document is not None:
            stored = consent.document
            record.attachments.append(
                ArchiveDocument(
                    f"consent-form:{consent.pk}",
                    _("Signert samtykkeskjema %(date)s") % {"date": f"{consent.given_on:%d.%m.%Y}"},
                    stored.uploaded_at,
                    f"samtykke-{consent.given_on:%Y-%m-%d}-{consent.pk}-signert.{stored.extension}",
                    bytes(stored.content),
                    content_type=stored.content_type,
                    pdf_a=False,
                )
            )
        docs.append(record)
    for report in parts.reports:
        docs.append(
            ArchiveDocument(
                f"report:{report.pk}",
                documents.report_title(report),
                report.reported_at,
                f"melding-barnevernet-{local(report.reported_at):%Y-%m-%d}-{report.pk}.pdf",
                documents.report_pdf(case, report),
            )
        )
    for decision in parts.decisions:
        docs.append(
            ArchiveDocument(
                f"decision:{decision.pk}",
                documents.decision_title(decision),
                decision.decided_at,
                f"beslutning-{local(decision.decided_at):%Y-%m-%d}-{decision.pk}.pdf",
                documents.decision_pdf(case, decision),
            )
        )
    for contributor in _CONTRIBUTORS:
        docs += contributor(case)
    return docs


def _system_id(case: Case, key: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"case:{case.pk}:{key}"))


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NOARK}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _document_object(parent: ET.Element, doc: ArchiveDocument, path: str, made_by: str) -> None:
    obj = _sub(parent, "dokumentobjekt")
    _sub(obj, "versjonsnummer", "1")
    _sub(obj, "variantformat", "Arkivformat" if doc.pdf_a else "Produksjonsformat")
    fmt, details = FORMATS.get(doc.content_type, ("Ukjent", doc.content_type))
    _sub(obj, "format", "PDF/A" if doc.pdf_a else fmt)
    _sub(obj, "formatDetaljer", "PDF/A-2u (ISO 19005-2)" if doc.pdf_a else details)
    _sub(obj, "opprettetDato", _when(doc.created))
    _sub(obj, "opprettetAv", made_by)
    _sub(obj, "referanseDokumentfil", path)
    _sub(obj, "sjekksum", hashlib.sha256(doc.content).hexdigest())
    _sub(obj, "sjekksumAlgoritme", "SHA256")
    _sub(obj, "filstoerrelse", str(len(doc.content)))


def _description(
    parent: ET.Element, case: Case, doc: ArchiveDocument, number: int, role: str, made_by: str
) -> None:
    description = _sub(parent, "dokumentbeskrivelse")
    _sub(description, "systemID", _system_id(case, f"description:{doc.key}"))
    _sub(description, "dokumenttype", "Skannet dokument" if not doc.pdf_a else "Dokument")
    _sub(description, "dokumentstatus", "Dokumentet er ferdigstilt")
    _sub(description, "tittel", doc.title)
    _sub(description, "opprettetDato", _when(doc.created))
    _sub(description, "opprettetAv", made_by)
    _sub(description, "tilknyttetRegistreringSom", role)
    _sub(description, "dokumentnummer", str(number))
    _document_object(description, doc, f"dokumenter/{doc.file_name}", made_by)


def arkivstruktur(
    case: Case, docs: list[ArchiveDocument], *, archived_at: datetime, by: User
) -> bytes:
    ET.register_namespace("", NOARK)
    ET.register_namespace("xsi", XSI)
    made_by = str(by)
    root = ET.Element(f"{{{NOARK}}}arkiv")
    _sub(root, "systemID", _system_id(case, "arkiv"))
    words = current_words().as_dict()
    _sub(root, "tittel", _("%(product)s – saker om barn og unge") % words)
    part = _sub(root, "arkivdel")
    _sub(part, "systemID", _system_id(case, "arkivdel"))
    _sub(part, "tittel", case.owner_service.name)
    folder = _sub(part, "mappe")
    folder.set(f"{{{XSI}}}type", "saksmappe")
    _sub(folder, "systemID", _system_id(case, "mappe"))
    _sub(folder, "mappeID", case.reference)
    title = {"pk": case.pk, "child": case.child, **words}
    _sub(folder, "tittel", _("%(product)s-sak %(pk)s – %(child)s") % title)
    _sub(folder, "offentligTittel", _("%(product)s-sak %(pk)s – *****") % title)
    _sub(folder, "opprettetDato", _when(case.opened_at))
    _sub(folder, "opprettetAv", str(case.created_by))
    if case.closed_at:
        _sub(folder, "avsluttetDato", _when(case.closed_at))
    screening = _sub(folder, "skjerming")
    for tag, value in SCREENING.items():
        _sub(screening, tag, value)
    for doc in docs:
        record = _sub(folder, "registrering")
        record.set(f"{{{XSI}}}type", "registrering")
        _sub(record, "systemID", _system_id(case, f"record:{doc.key}"))
        _sub(record, "opprettetDato", _when(doc.created))
        _sub(record, "opprettetAv", made_by)
        _sub(record, "arkivertDato", _when(archived_at))
        _sub(record, "arkivertAv", made_by)
        _sub(record, "tittel", doc.title)
        _description(record, case, doc, 1, "Hoveddokument", made_by)
        for number, attachment in enumerate(doc.attachments, start=2):
            _description(record, case, attachment, number, "Vedlegg", made_by)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def package_bytes(case: Case, *, by: User, archived_at: datetime) -> bytes:
    """The zip, deterministic for the same case and moment (fixed file times and order)."""
    docs = _documents(case, case_parts(case))
    moment = timezone.localtime(archived_at).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:

        def add(name: str, content: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=moment)
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, content)

        add("arkivstruktur.xml", arkivstruktur(case, docs, archived_at=archived_at, by=by))
        for doc in docs:
            add(f"dokumenter/{doc.file_name}", doc.content)
            for attachment in doc.attachments:
                add(f"dokumenter/{attachment.file_name}", attachment.content)
    return out.getvalue()


def archive_package_make(*, case: Case, user: User, daily_run: bool = False) -> Case:
    """Make (or make again) the archive package of a closed case, store it with the case and
    mark the case archived with the package's SHA-256. Audited as made by `user`, or by the
    daily run (`daily_run`: made in the responsible's name, but by no person)."""
    if case.is_open:
        raise NotClosed(_("Arkivpakken lages når saken er avsluttet."))
    archived_at = timezone.now()
    content = package_bytes(case, by=user, archived_at=archived_at)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        previous = locked.archive_id
        locked.archive = StoredFile.objects.create(
            content=content,
            content_type="application/zip",
            size=len(content),
            sha256=digest,
            uploaded_by=user,
        )
        locked.archived_at, locked.archive_sha256 = archived_at, digest
        locked.save(update_fields=["archive", "archived_at", "archive_sha256"])
        if previous:
            StoredFile.objects.filter(pk=previous).delete()
        # Logged without touching last_activity_at: the package is not a change of the case.
        RelayEntry.objects.create(
            case=locked,
            actor=user,
            kind=RelayEntry.Kind.ARCHIVED,
            level=locked.level,
            step_code=locked.step_code,
            text=_("Arkivpakke laget (SHA-256 %(digest)s).") % {"digest": digest},
        )
        audit.record(
            kind=CaseAudit.CASE_ARCHIVED,
            actor=None if daily_run else user,
            case_id=locked.pk,
            detail="archive_closed_cases" if daily_run else "archive",
        )
    return locked


def changed_since_archived(case: Case) -> bool:
    return bool(case.archived_at and case.last_activity_at > case.archived_at)
