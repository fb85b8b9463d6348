"""Registering: the akutt question, finding or registering the child, the undring that opens
the case, the acute report and the anonymous discussion."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bts.web import errors_held_back, posted
from levels.selectors import request_guide
from levels.words import guide_words

from .. import reads, services
from ..concern_tools import concern_tools
from ..forms import (
    AcuteChildForm,
    AcuteQuestionForm,
    AnonymousDiscussionForm,
    ChildForm,
    ChildSearchForm,
    ConcernForm,
    GuardianFormSet,
    ReportForm,
    sibling_lookup,
)
from ..selectors import visible_children
from ._common import (
    _chosen_service,
    _concern_data,
    _municipalities,
    _service_choice,
    _user_services,
)


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """First the akutt question: violence, abuse or serious neglect goes straight to barnevern."""
    _user_services(request)
    form = AcuteQuestionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        return redirect("cases:acute" if form.cleaned_data["acute"] == "ja" else "cases:child")
    return render(request, "cases/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def child_search(request: HttpRequest) -> HttpResponse:
    """Find before create: only among children the user may already see."""
    _user_services(request)
    # POST keeps names and birth dates out of URLs, browser history and access logs.
    form = ChildSearchForm(posted(request))
    results = None
    if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
        results = reads.children_found(
            request.user, query=form.cleaned_data["q"], birth_date=form.cleaned_data["birth_date"]
        )
    return render(request, "cases/child_search.html", {"form": form, "results": results})


@require_http_methods(["GET", "POST"])
def child_new(request: HttpRequest) -> HttpResponse:
    """Register a child with its guardians. Siblings are offered among the children the user
    may see: those with a guardian in common, and those a search finds ("Finn søsken", which
    shows the form again, or with htmx only the offer, and registers nothing)."""
    _user_services(request)
    form = ChildForm(
        posted(request),
        siblings=visible_children(request.user),
        municipalities=_municipalities(request),
    )
    guardians = GuardianFormSet(posted(request), prefix="guardians")
    searching = request.method == "POST" and "find_siblings" in request.POST
    duplicates = []
    if request.method == "POST" and not searching and form.is_valid() and guardians.is_valid():
        data = form.cleaned_data
        try:
            child = services.child_register(
                user=request.user,
                child=services.ChildData(
                    data["first_name"],
                    data["last_name"],
                    data["birth_date"],
                    data["national_id"],
                    data["address_protected"],
                ),
                municipality=form.chosen_municipality(),
                guardians=[services.GuardianData(**g) for g in guardians.cleaned_data if g],
                siblings=list(data["siblings"]),
                confirmed_new=data["confirm_new"],
                idempotency_key=data["idempotency_key"],
            )
        except services.PossibleDuplicates as exc:
            duplicates = exc.children
        else:
            return redirect("cases:concern_new", child_pk=child.pk)
    offer = None
    if request.method == "POST":
        offer = reads.siblings_offered(request.user, **sibling_lookup(form, guardians))
        form.offer_siblings(offer.children)
    context = {"form": form, "guardians": guardians, "duplicates": duplicates, "offer": offer}
    if searching:
        errors_held_back(form, guardians)
        if request.htmx:
            return render(request, "cases/child_new.html#sibling_offer", context)
    return render(request, "cases/child_new.html", context)


@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest, child_pk: int) -> HttpResponse:
    """The undring itself, which opens the case at nivå 0."""
    user_services = _user_services(request)
    child = get_object_or_404(visible_children(request.user), pk=child_pk)
    form = ConcernForm(
        posted(request), services=_service_choice(request, user_services), tools=concern_tools()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                user=request.user,
                service=_chosen_service(form, user_services),
                child=child,
                concern=_concern_data(data),
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            form.add_error("service" if "service" in form.fields else None, exc)
        else:
            done = _("%(Concern_definite)s er registrert. Saken er på nivå %(level)s.")
            words = guide_words(request_guide(request)).as_dict()
            messages.success(request, done % {"level": case.level, **words})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/concern_new.html", {"form": form, "child": child})


@require_http_methods(["GET", "POST"])
def acute(request: HttpRequest) -> HttpResponse:
    """Suspected violence, abuse or serious neglect: report to barnevern, guardians not told."""
    user_services = _user_services(request)
    municipalities = _municipalities(request)
    child_form = AcuteChildForm(
        posted(request),
        prefix="child",
        services=_service_choice(request, user_services),
        municipalities=municipalities,
    )
    report_form = ReportForm(
        posted(request),
        prefix="report",
        municipality_ids=[m.pk for m in municipalities]
        or {s.municipality_id for s in user_services},
    )
    duplicates = []
    if request.method == "POST" and child_form.is_valid() and report_form.is_valid():
        c, r = child_form.cleaned_data, report_form.cleaned_data
        try:
            case = services.acute_case_open(
                user=request.user,
                service=_chosen_service(child_form, user_services),
                child=services.ChildData(
                    c["first_name"], c["last_name"], c["birth_date"], c["national_id"]
                ),
                municipality=child_form.chosen_municipality(),
                existing_child_id=request.POST.get("existing_child", ""),
                confirmed_new=c["confirm_new"],
                reported_at=r["reported_at"],
                channel=r["channel"],
                reason=r["reason"],
                police_contacted=r["police_contacted"],
                received_by=r.get("received_by"),
                idempotency_key=r["idempotency_key"],
            )
        except services.PossibleDuplicates as exc:
            duplicates = exc.children
        except ValidationError as exc:
            report_form.add_error(None, exc)
        else:
            messages.success(request, _("Meldingen til barnevernet er registrert."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/acute.html",
        {"child_form": child_form, "report_form": report_form, "duplicates": duplicates},
    )


@require_http_methods(["GET", "POST"])
def anonymous_new(request: HttpRequest) -> HttpResponse:
    user_services = _user_services(request)
    form = AnonymousDiscussionForm(
        posted(request), services=_service_choice(request, user_services)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.anonymous_discussion_record(
            user=request.user,
            service=_chosen_service(form, user_services),
            discussed_with=data["discussed_with"],
            discussed_on=data["discussed_on"],
            summary=data["summary"],
            idempotency_key=data["idempotency_key"],
        )
        messages.success(
            request, _("Den anonyme drøftingen er registrert, uten personopplysninger.")
        )
        return redirect("start")
    return render(request, "cases/anonymous_new.html", {"form": form})
