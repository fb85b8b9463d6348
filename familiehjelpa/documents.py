"""Familiehjelpa's documents as PDF/A: DUKEN (the family keeps a copy) and the reply letter to
the family with a copy to the referring service. Rendered by `bts.pdf` for a download (the
`*_export` functions, which write the export's audit event) and for a case's archive package
(familiehjelpa.integration, audited as the archive)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bts.audit import record
from bts.models import User
from bts.pdf import DocumentMeta, render_pdf
from cases.events import CaseAudit
from levels.words import current_words

from . import selectors
from .events import inquiry_ref
from .models import DukenVersion, Inquiry


def field_display(model, name, value):
    field = model._meta.get_field(name)
    if field.choices:
        return dict(field.choices).get(value, value)
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if hasattr(value, "strftime"):
        return f"{value:%d.%m.%Y}"
    return value or ""


def sections(model, names, saved) -> list[tuple[str, str]]:
    return [
        (
            model._meta.get_field(n).verbose_name,
            field_display(model, n, getattr(saved, n)) if saved else "",
        )
        for n in names
    ]


DUKEN_GROUPS = [
    (_("Planen"), DukenVersion.HEAD),
    (_("Livssituasjon"), DukenVersion.LIFE_AREAS),
    (_("Det familien forteller"), DukenVersion.REFLECTIONS),
    (_("Planen videre"), DukenVersion.PLAN),
]


def duken_groups(form=None, version=None) -> list[dict]:
    groups = []
    for title, names in DUKEN_GROUPS:
        groups.append(
            {
                "title": title,
                "fields": [form[n] for n in names] if form is not None else [],
                "values": sections(DukenVersion, names, version) if version else [],
            }
        )
    return groups


def letter_context(inquiry: Inquiry, *, cases, municipality: str) -> dict:
    """What the reply letter says: `cases` are the inquiry's links the reader may see."""
    links = list(cases.select_related("case__child").prefetch_related("case__child__guardians"))
    return {
        "inquiry": inquiry,
        "children": [link.case.child for link in links],
        "guardians": sorted(
            {
                g.name
                for link in links
                for g in link.case.child.guardians.all()
                if g.has_parental_responsibility
            }
        ),
        "plan": selectors.duken_latest(inquiry),
        "today": timezone.localdate(),
        "municipality": municipality,
    }


def duken_pdf(inquiry: Inquiry, version: DukenVersion, *, municipality: str) -> bytes:
    words = current_words()
    meta = DocumentMeta(
        title=_("DUKEN"),
        author=inquiry.service.name,
        subject=_("Henvendelse %(n)s, versjon %(v)s") % {"n": inquiry.pk, "v": version.number},
        municipality=municipality,
        created=version.saved_at,
        generator=words.product,
    )
    return render_pdf(
        "familiehjelpa/pdf/duken.html",
        {
            "inquiry": inquiry,
            "version": version,
            "groups": duken_groups(version=version),
            "words": words,
        },
        meta=meta,
    )


def reply_letter_pdf(inquiry: Inquiry, *, context: dict) -> bytes:
    words = current_words()
    meta = DocumentMeta(
        title=_("Svar på henvendelse til familiehjelpa"),
        author=inquiry.service.name,
        subject=_("Henvendelse %(n)s") % {"n": inquiry.pk},
        municipality=context["municipality"],
        generator=words.product,
    )
    return render_pdf("familiehjelpa/pdf/reply_letter.html", {**context, "words": words}, meta=meta)


def duken_pdf_export(version: DukenVersion, *, user: User, municipality: str) -> bytes:
    """One DUKEN version as the PDF a user downloads (`version.inquiry` loaded)."""
    inquiry = version.inquiry
    pdf = duken_pdf(inquiry, version, municipality=municipality)
    record(
        kind=CaseAudit.DOCUMENT_EXPORTED,
        actor=user,
        detail=inquiry_ref(inquiry.pk, f"duken:{version.number}:pdf"),
    )
    return pdf


def reply_letter_export(inquiry: Inquiry, *, user: User, context: dict) -> bytes:
    """The reply letter as the PDF a user downloads."""
    pdf = reply_letter_pdf(inquiry, context=context)
    record(
        kind=CaseAudit.DOCUMENT_EXPORTED, actor=user, detail=inquiry_ref(inquiry.pk, "svarbrev:pdf")
    )
    return pdf
