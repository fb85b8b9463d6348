"""What familiehjelpa's pages share: the form page, the conflict page, the municipality."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from bts import web
from bts.web import Crumb, conflict_page, moment
from levels.selectors import request_guide

from ..documents import field_display
from ..models import Inquiry

# Errors of cases.services.consent_record, by the field of our form they belong beside.
CONSENT_FIELDS = {
    "guardians": "consent",
    "services": "consent",
    "form": "consent",
    "child_consented": "consent_child",
    "oral_note": "consent_oral_note",
    "information": "consent_information",
    "document": "consent_document",
}


def posted_key(request: HttpRequest) -> uuid.UUID | None:
    """The form's idempotency key as posted (before the form is validated), if it is one."""
    try:
        return uuid.UUID(str(request.POST.get("idempotency_key")))
    except ValueError:
        return None


def form_page(request, inquiry, form, *, title, intro="", submit):
    inquiry_url = reverse("familiehjelpa:detail", args=[inquiry.pk])
    return web.form_page(
        request,
        page_title=_("%(title)s – henvendelse %(n)s") % {"title": title, "n": inquiry.pk},
        crumbs=[web.Crumb(inquiry_url, _("Henvendelse %(n)s") % {"n": inquiry.pk})],
        title=title,
        intro=intro,
        form=form,
        submit=submit,
        cancel_url=inquiry_url,
        stylesheet="css/familiehjelpa.css",
    )


def municipality(request) -> str:
    guide = request_guide(request)
    return guide.municipality.name if guide else ""


def conflict_rows(model, names, current, own: dict) -> list[dict]:
    """The fields where the stored text and the user's differ, side by side."""
    return [
        {
            "label": model._meta.get_field(n).verbose_name,
            "saved": field_display(model, n, getattr(current, n, "")) if current.pk else "",
            "own": field_display(model, n, own.get(n)),
        }
        for n in names
        if (getattr(current, n, None) if current.pk else None) != own.get(n)
    ]


def conflict(
    request, inquiry: Inquiry, *, title, rows, saved_by, saved_at, form, action
) -> HttpResponse:
    notice = (
        _("%(who)s lagret %(when)s, etter at du åpnet skjemaet.")
        % {"who": saved_by, "when": moment(saved_at)}
        if saved_at
        else ""
    )
    return conflict_page(
        request,
        page_title=_("%(title)s – henvendelse %(n)s") % {"title": title, "n": inquiry.pk},
        title=title,
        crumbs=[
            Crumb(
                reverse("familiehjelpa:detail", args=[inquiry.pk]),
                _("Henvendelse %(n)s") % {"n": inquiry.pk},
            )
        ],
        notice=notice,
        saved_label=_("Lagret"),
        rows=rows,
        form=form,
        action=reverse(action, args=[inquiry.pk]),
        submit=_("Lagre"),
        stylesheet="css/familiehjelpa.css",
    )
