"""Familiehjelpa's documents as PDF/A: DUKEN (the family keeps a copy) and the reply letter to
the family with a copy to the referring service. Rendered by `bts.pdf`, from the views and for
a case's archive package (familiehjelpa.integration)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bts.pdf import DocumentMeta, render_pdf

from . import selectors
from .models import DukenVersion, Inquiry


def _display(model, name, value):
    field = model._meta.get_field(name)
    if field.choices:
        return dict(field.choices).get(value, value)
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if hasattr(value, "strftime"):
        return f"{value:%d.%m.%Y}"
    return value or ""


def _sections(model, names, saved) -> list[tuple[str, str]]:
    return [
        (
            model._meta.get_field(n).verbose_name,
            _display(model, n, getattr(saved, n)) if saved else "",
        )
        for n in names
    ]


DUKEN_GROUPS = [
    (_("Planen"), DukenVersion.HEAD),
    (_("Livssituasjon"), DukenVersion.LIFE_AREAS),
    (_("Det familien forteller"), DukenVersion.REFLECTIONS),
    (_("Planen videre"), DukenVersion.PLAN),
]


def _duken_groups(form=None, version=None) -> list[dict]:
    groups = []
    for title, names in DUKEN_GROUPS:
        groups.append(
            {
                "title": title,
                "fields": [form[n] for n in names] if form is not None else [],
                "values": _sections(DukenVersion, names, version) if version else [],
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
    meta = DocumentMeta(
        title=_("DUKEN"),
        author=inquiry.service.name,
        subject=_("Henvendelse %(n)s, versjon %(v)s") % {"n": inquiry.pk, "v": version.number},
        municipality=municipality,
        created=version.saved_at,
    )
    return render_pdf(
        "familiehjelpa/pdf/duken.html",
        {"inquiry": inquiry, "version": version, "groups": _duken_groups(version=version)},
        meta=meta,
    )


def reply_letter_pdf(inquiry: Inquiry, *, context: dict) -> bytes:
    meta = DocumentMeta(
        title=_("Svar på henvendelse til familiehjelpa"),
        author=inquiry.service.name,
        subject=_("Henvendelse %(n)s") % {"n": inquiry.pk},
        municipality=context["municipality"],
    )
    return render_pdf("familiehjelpa/pdf/reply_letter.html", context, meta=meta)
