"""The toolbox, the catalogue and the contact list of the person's municipality for everyone
with a role; the catalogue import for its administrator. Every view asks `access.may` first."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from . import selectors, services
from .access import Action, may, require
from .examples import example_workbook
from .forms import CatalogueConfirmForm, CatalogueSearchForm, CatalogueUploadForm
from .models import CatalogueImport
from .spreadsheet import SheetProblems, UploadRefused

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The toolbox --------------------------------------------------------------------------------


@require_GET
def tool_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.READ)
    toolbox = selectors.current_toolbox()
    if toolbox is None:
        raise Http404(_("Ingen verktøykasse er lastet inn."))
    return render(
        request,
        "toolbox/tool_list.html",
        {"toolbox": toolbox, "groups": selectors.toolbox_groups(toolbox)},
    )


@require_GET
def tool_detail(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, Action.READ)
    tool = selectors.tool_by_slug(slug)
    if tool is None:
        raise Http404(_("Verktøyet finnes ikke i verktøykassa."))
    return render(
        request,
        "toolbox/tool_detail.html",
        {"tool": tool, "steps": selectors.steps_recommending(tool)},
    )


# --- The catalogue ------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
def catalogue(request: HttpRequest) -> HttpResponse:
    """Search and filter with a plain GET form; with htmx, only the results are sent back."""
    require(request.user, Action.READ)
    form = CatalogueSearchForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.catalogue_search(
        query=filters.get("q", ""), level=filters.get("nivaa"), age=filters.get("alder")
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(v not in ("", None) for v in filters.values()),
        "may_import": may(request.user, Action.IMPORT_CATALOGUE),
    }
    template = "toolbox/catalogue.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """Upload the spreadsheet. A good file leads to its preview; a bad one is explained row by
    row, and nothing is stored."""
    require(request.user, Action.IMPORT_CATALOGUE)
    municipality_id = _import_municipality()
    posted = request.method == "POST"
    form = CatalogueUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        request_size=int(request.META.get("CONTENT_LENGTH") or 0),
    )
    problems = None
    if posted and form.is_valid():
        name, data = form.cleaned_data["file"]
        try:
            pending = services.catalogue_import_prepare(
                file_name=name, data=data, user=request.user, municipality_id=municipality_id
            )
        except UploadRefused as exc:
            form.add_error("file", str(exc))
        except SheetProblems as exc:
            problems = exc
        else:
            return redirect("toolbox:catalogue_preview", pk=pending.pk)
    return render(
        request,
        "toolbox/catalogue_import.html",
        {
            "form": form,
            "problems": problems,
            "imports": selectors.recent_imports(municipality_id),
        },
    )


def _import_municipality() -> int:
    """The municipality whose catalogue is imported: the local administrator's own (the
    installation's, for its administrator when it has one municipality)."""
    municipality_id = selectors.toolbox_municipality_id()
    if municipality_id is None:
        raise Http404(
            _("Tiltaksoversikten hører til én kommune: importer den som kommunens administrator.")
        )
    return municipality_id


def _pending(pk: int) -> CatalogueImport:
    """An import of this municipality's catalogue (another's is not found)."""
    return get_object_or_404(CatalogueImport, pk=pk, municipality_id=_import_municipality())


@require_GET
def catalogue_example(request: HttpRequest) -> HttpResponse:
    """A spreadsheet with the expected columns and example rows, to start from."""
    require(request.user, Action.IMPORT_CATALOGUE)
    response = HttpResponse(example_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="tiltaksoversikt-eksempel.xlsx"'
    return response


def _preview(request, pending: CatalogueImport, plan, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "toolbox/catalogue_preview.html",
        {
            "pending": pending,
            "plan": plan,
            "form": CatalogueConfirmForm(initial={"digest": plan.digest}),
        },
        status=status,
    )


@require_GET
def catalogue_preview(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.IMPORT_CATALOGUE)
    pending = _pending(pk)
    if pending.status == CatalogueImport.Status.APPLIED:
        messages.info(request, _("Denne fila er allerede importert."))
        return redirect("toolbox:catalogue")
    plan = selectors.catalogue_plan(pending.rows, pending.municipality_id)
    return _preview(request, pending, plan)


@require_POST
def catalogue_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply exactly what the preview showed; if the catalogue changed since, show the new
    preview instead; if it was applied already (a double submit), apply nothing."""
    require(request.user, Action.IMPORT_CATALOGUE)
    pending = _pending(pk)
    form = CatalogueConfirmForm(request.POST)
    if not form.is_valid():
        return redirect("toolbox:catalogue_preview", pk=pending.pk)
    try:
        done = services.catalogue_import_apply(
            catalogue_import=pending, digest=form.cleaned_data["digest"], user=request.user
        )
    except services.ImportAlreadyApplied:
        messages.info(request, _("Denne fila er allerede importert. Ingenting ble endret nå."))
        return redirect("toolbox:catalogue")
    except services.ImportStale as stale:
        messages.warning(
            request,
            _(
                "Tiltaksoversikten er endret siden du så forhåndsvisningen, så ingenting er "
                "importert ennå. Se over endringene slik de er nå, og bekreft på nytt."
            ),
        )
        return _preview(request, pending, stale.plan, status=409)
    messages.success(
        request,
        _("Tiltaksoversikten er oppdatert: %(new)d nye, %(changed)d endret, %(removed)d fjernet.")
        % {
            "new": done.created_count,
            "changed": done.changed_count,
            "removed": done.deactivated_count,
        },
    )
    return redirect("toolbox:catalogue")


# --- Contacts -----------------------------------------------------------------------------------


@require_GET
def contacts(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.READ)
    return render(
        request,
        "toolbox/contacts.html",
        {
            "groups": selectors.contacts_by_category(),
            "may_manage": may(request.user, Action.MANAGE) and request.user.is_staff,
        },
    )
