"""The case's records: the access log and its exports, the whole case as PDF and the archive
package."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bts.downloads import attachment_response

from .. import access, archive, documents, reports, selectors
from ..forms import AccessPeriodForm
from ._common import _case_for_change, _case_for_export, _pdf, _stamp


@require_http_methods(["GET"])
def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has read or changed the case, for the leader of the service that owns it."""
    case = _case_for_change(request, pk, policy=access.Action.SEE_ACCESS_LOG)
    before = request.GET.get("eldre", "")
    events, older = selectors.access_log(case, before=int(before) if before.isdigit() else None)
    return render(
        request,
        "cases/access_log.html",
        {
            "case": case,
            "rows": [(event, reports.describe(event)) for event in events],
            "older": older,
            "period_form": AccessPeriodForm(),
        },
    )


def _access_period(request: HttpRequest):
    form = AccessPeriodForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return None
    return form.cleaned_data["fra"], form.cleaned_data["til"]


@require_GET
def access_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The access report (innsyn i logg) a family gets on request, as PDF/A."""
    period = _access_period(request)
    if period is None:
        return redirect("cases:access_log", pk=pk)
    case = _case_for_export(request, pk, access.Action.SEE_ACCESS_LOG, detail="access_report")
    start, end = period
    pdf = reports.access_report_pdf(
        case,
        selectors.access_events(case, start=start, end=end),
        start=start,
        end=end,
        request=request,
    )
    return attachment_response(
        pdf, content_type="application/pdf", filename=f"innsyn-i-logg-sak-{case.pk}.pdf"
    )


@require_GET
def access_log_csv(request: HttpRequest, pk: int) -> HttpResponse:
    period = _access_period(request)
    if period is None:
        return redirect("cases:access_log", pk=pk)
    case = _case_for_export(request, pk, access.Action.SEE_ACCESS_LOG, detail="access_log_csv")
    start, end = period
    return reports.access_log_csv(case, selectors.access_events(case, start=start, end=end))


@require_GET
def case_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole case in one document, for the leader of the owning service."""
    case = _case_for_export(request, pk, access.Action.SEE_ACCESS_LOG, detail="case_pdf")
    return _pdf(
        documents.case_pdf(case, parts=archive.case_parts(case)),
        f"saken-samlet-sak-{case.pk}.pdf",
    )


@require_http_methods(["GET", "POST"])
def archive_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The archive package: made when the case is closed (daily), or again on demand."""
    case = _case_for_change(request, pk, policy=access.Action.SEE_ACCESS_LOG)
    if request.method == "POST":
        try:
            archived = archive.archive_package_make(case=case, user=request.user)
        except archive.NotClosed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Arkivpakken er laget. SHA-256: %(digest)s")
                % {"digest": archived.archive_sha256},
            )
        return redirect("cases:archive", pk=case.pk)
    return render(
        request,
        "cases/archive.html",
        {"case": case, "changed": archive.changed_since_archived(case)},
    )


@require_GET
def archive_download(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_export(request, pk, access.Action.SEE_ACCESS_LOG, detail="archive_package")
    package = selectors.archive_package(case)
    if package is None:
        raise Http404
    return attachment_response(
        bytes(package.content),
        content_type="application/zip",
        filename=f"arkivpakke-sak-{case.pk}-{_stamp(case.archived_at)}.zip",
    )
