"""The leaders' dashboards. Views are thin: the policy decides who, the selectors count."""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from bts.csv import csv_response
from levels.pyramid import build_pyramid
from levels.selectors import guide_levels, request_guide
from levels.words import guide_words

from . import access, charts, exports, selectors
from .forms import CaseListForm, MunicipalFilterForm, ServiceFilterForm


def _levels(request):
    guide = request_guide(request)
    return guide, (list(guide_levels(guide)) if guide else [])


@require_GET
def service(request: HttpRequest) -> HttpResponse:
    """The service leader's numbers: their services' open cases by level and step, and where
    children wait. Numbers only; the names are on the lists behind them."""
    access.require(request.user, access.Action.SERVICE, page="service")
    services = selectors.led_services(request.user)
    form = ServiceFilterForm(request.GET, services=services)
    service_ids = form.service_ids()
    if service_ids is None:
        raise Http404
    guide, levels = _levels(request)
    overview = selectors.service_overview(request.user, service_ids, guide=guide, levels=levels)
    pyramid = (
        build_pyramid(levels, {lv.number: lv.count for lv in overview.levels}) if levels else None
    )
    query = urlencode({"tjeneste": request.GET["tjeneste"]}) if request.GET.get("tjeneste") else ""
    return render(
        request,
        "dashboards/service.html",
        {
            "form": form,
            "services": services,
            "shown_services": [s for s in services if s.pk in service_ids],
            "overview": overview,
            "pyramid": pyramid,
            "guide": guide,
            "query": query,
        },
    )


@require_GET
def service_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The children behind one number, for the leader who may see them. A list of names is a
    read of case data: one audit event per page, with the criterion and filters (no names)."""
    access.require(request.user, access.Action.SERVICE, page="service_list")
    if slug not in selectors.CRITERIA:
        raise Http404
    services = selectors.led_services(request.user)
    form = CaseListForm(request.GET, services=services)
    service_ids = form.service_ids()
    if service_ids is None or not form.is_valid():
        raise Http404
    data = form.cleaned_data
    guide = request_guide(request)
    level, step = (data["niva"], data["trinn"]) if slug == selectors.OPEN else (None, "")
    filters = {
        key: value
        for key, value in (("tjeneste", data["tjeneste"]), ("niva", level), ("trinn", step))
        if value not in (None, "")
    }
    page = selectors.service_case_list(
        request.user,
        service_ids,
        slug,
        guide=guide,
        filters=filters,
        level=level,
        step=step,
        page=data["side"] or 1,
    )
    return render(
        request,
        "dashboards/service_list.html",
        {
            "criterion": selectors.criterion(slug, guide),
            "page": page,
            "shown_services": [s for s in services if s.pk in service_ids],
            "several_services": len(services) > 1,
            "level": level,
            "step": step,
            "query": urlencode(filters),
            "dashboard_query": urlencode({"tjeneste": data["tjeneste"]})
            if data["tjeneste"]
            else "",
        },
    )


def _municipal(request: HttpRequest):
    access.require(request.user, access.Action.MUNICIPAL, page="municipal")
    # Unbound without a query, so the fields show the default period.
    form = MunicipalFilterForm(request.GET or None)
    guide = request_guide(request)
    levels = list(guide.levels.all()) if guide else []  # the pyramid needs no steps
    dashboard = selectors.municipal_dashboard(
        period=form.period(),
        kind=form.kind(),
        levels=levels,
        municipality_id=access.led_municipality_id(request.user),
    )
    return form, dashboard


@require_GET
def municipal(request: HttpRequest) -> HttpResponse:
    """The municipal leader's aggregates: no names, no case ids, no links to a case, and every
    count under 5 suppressed (see `stats.protect`)."""
    form, dashboard = _municipal(request)
    return render(
        request,
        "dashboards/municipal.html",
        {
            "form": form,
            "dashboard": dashboard,
            "chart": charts.trend_chart(dashboard),
            "csv_query": exports.query(dashboard),
        },
    )


@require_GET
def municipal_csv(request: HttpRequest) -> HttpResponse:
    """The same tables as CSV (formula cells neutralised), audited as an export."""
    _form, dashboard = _municipal(request)
    header, rows = exports.csv_export(dashboard)
    product = slugify(guide_words(request_guide(request)).product)
    return csv_response(
        header, rows, filename=f"{product}-oversikt-{timezone.localdate():%Y-%m-%d}.csv"
    )
