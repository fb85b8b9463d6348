"""Case pages. Every case comes through `visible_cases`, so another service's case is a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from bts.audit import refuse
from bts.downloads import attachment_response
from bts.models import Service, StoredFile, User
from bts.web import Crumb, add_service_errors, conflict_page, conflict_rows, day, moment, posted
from levels.rules import WIDE_COLLABORATION_LEVEL, MoveRefused
from levels.selectors import guide_step, request_guide

from . import access, archive, documents, policies, reads, reports, selectors, services
from .concern_tools import concern_tools
from .events import CaseAudit
from .extensions import case_actions
from .forms import (
    AccessPeriodForm,
    AcuteChildForm,
    AcuteQuestionForm,
    AnonymousDiscussionForm,
    CaseListFilterForm,
    ChildForm,
    ChildSearchForm,
    ConcernForm,
    ConsentForm,
    ConsentRequestForm,
    ConsentWithdrawForm,
    CoordinationForm,
    DecisionForm,
    EvaluationForm,
    GuardianFormSet,
    HandoverAnswerForm,
    HandoverForm,
    InvolveForm,
    MeasureForm,
    MeetingForm,
    MinutesForm,
    NoteForm,
    ReassignAllForm,
    ReportForm,
    StepCompleteForm,
    WideCollaborationForm,
)
from .models import (
    Case,
    Consent,
    Evaluation,
    Handover,
    Minutes,
    RelayEntry,
    WideCollaboration,
)
from .selectors import (
    case_services,
    handover_candidates,
    led_service_ids,
    people_in_services,
    relay_log,
    services_in_case,
    visible_children,
)

Kind = CaseAudit


def _user_services(request: HttpRequest):
    ids = case_services(request.user)
    if not ids:
        refuse(request, detail="register")
        raise PermissionDenied(_("Du er ikke ansatt i en tjeneste som kan registrere undring."))
    return Service.objects.filter(pk__in=ids, is_active=True).order_by("name")


def _service_choice(request, user_services):
    """The form asks for the service only when the user works in more than one."""
    return user_services if len(user_services) > 1 else None


def _chosen_service(form, user_services):
    return form.cleaned_data.get("service") or user_services[0]


def _visible_case(request: HttpRequest, pk: int) -> Case:
    return access.case_or_404(request.user, pk)


def _case(request: HttpRequest, pk: int, *, detail: str = "") -> Case:
    return access.case_for_read(request.user, pk, detail=detail)


def _case_for_change(request: HttpRequest, pk: int, policy=access.Action.WORK_ON) -> Case:
    return access.case_for_action(
        request.user,
        pk,
        access.action_of(policy),
        detail=request.resolver_match.url_name,
        audit_read=request.method == "GET",
    )


# --- Ny undring ---------------------------------------------------------------------------------


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
    _user_services(request)
    siblings = visible_children(request.user).order_by("last_name", "first_name")
    form = ChildForm(posted(request), siblings=siblings)
    guardians = GuardianFormSet(posted(request), prefix="guardians")
    duplicates = []
    if request.method == "POST" and form.is_valid() and guardians.is_valid():
        data = form.cleaned_data
        try:
            child = services.child_register(
                user=request.user,
                child=services.ChildData(
                    data["first_name"], data["last_name"], data["birth_date"], data["national_id"]
                ),
                guardians=[services.GuardianData(**g) for g in guardians.cleaned_data if g],
                siblings=list(data["siblings"]),
                confirmed_new=data["confirm_new"],
                idempotency_key=data["idempotency_key"],
            )
        except services.PossibleDuplicates as exc:
            duplicates = exc.children
        else:
            return redirect("cases:concern_new", child_pk=child.pk)
    return render(
        request,
        "cases/child_new.html",
        {"form": form, "guardians": guardians, "duplicates": duplicates},
    )


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
            form.add_error(None, exc)
        else:
            messages.success(request, _("Undringen er registrert. Saken er på nivå 0."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/concern_new.html", {"form": form, "child": child})


def _concern_data(data) -> services.ConcernData:
    return services.ConcernData(
        observation=data["observation"],
        observed_on=data["observed_on"],
        setting=data["setting"],
        worry=data["worry"],
        risk_factors=data["risk_factors"],
        protective_factors=data["protective_factors"],
        risk_factor_items=data.get("risk_factor_items", []),
        protective_factor_items=data.get("protective_factor_items", []),
    )


@require_http_methods(["GET", "POST"])
def acute(request: HttpRequest) -> HttpResponse:
    """Suspected violence, abuse or serious neglect: report to barnevern, guardians not told."""
    user_services = _user_services(request)
    child_form = AcuteChildForm(
        posted(request), prefix="child", services=_service_choice(request, user_services)
    )
    report_form = ReportForm(posted(request), prefix="report")
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


# --- The case list ------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see: for an employee those they take part in, for a leader also
    every case of the services they lead. Filtered by status, level and service."""
    if not policies.may_list_cases(request.user):
        refuse(request, detail="list")
        raise PermissionDenied(_("Saker er for dem som arbeider i en tjeneste."))
    led = Service.objects.filter(pk__in=led_service_ids(request.user)).order_by("name")
    params = request.GET.copy()
    params.setdefault("status", "open")
    form = CaseListFilterForm(params, services=led if len(led) > 1 else None)
    filters = form.cleaned_data if form.is_valid() else {"status": "open", "level": None}
    page = reads.case_list(
        request.user,
        status=filters.get("status", "open"),
        level=filters.get("level"),
        service_id=filters["service"].pk if filters.get("service") else None,
        after=request.GET.get("etter", ""),
    )
    query = params.copy()
    query.pop("etter", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "first_page": not request.GET.get("etter"),
    }
    if request.htmx and request.htmx.target == "case-list-more":
        return render(request, "cases/list.html#rows", context)
    return render(request, "cases/list.html", context)


# --- The case page ------------------------------------------------------------------------------


@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    kind = request.GET.get("type", "")
    if kind not in RelayEntry.Kind.values:
        kind = ""
    older = request.GET.get("eldre", "")
    target = request.htmx.target if request.htmx else None
    if target in ("relay-log", "relay-log-more"):
        # The log alone (filtered, or its next page) needs only the case row.
        case = _visible_case(request, pk)
        reads.relay_log_shown(case)
        partial = "log" if target == "relay-log" else "log_items"
        return render(
            request,
            f"cases/detail.html#{partial}",
            {"case": case, "log": relay_log(case, kind=kind, before=older), "kind": kind},
        )
    case = _case(request, pk)
    context = {
        "case": case,
        "log": relay_log(case, kind=kind, before=older),
        "kind": kind,
        "kinds": RelayEntry.Kind.choices,
    }
    guide = request_guide(request)
    step = guide_step(guide, case.step_code) if guide and case.level is not None else None
    may_work = policies.may_work_on(request.user, case)
    context |= {
        "step": step,
        "may_work": may_work,
        "may_decide": policies.may_decide(request.user, case) and step and step.is_decision,
        "may_decide_any": policies.may_decide(request.user, case),
        "may_hand_over": policies.may_hand_over(request.user, case),
        "may_see_access_log": policies.may_see_access_log(request.user, case),
        "step_form": StepCompleteForm(initial={"step_code": case.step_code}),
        "note_form": NoteForm(),
        "today": timezone.localdate(),
        "checklist": _checklist(case, step),
        "extra_actions": case_actions(request.user, case),
    }
    return render(request, "cases/detail.html", context)


@require_POST
def step_done(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = StepCompleteForm(request.POST)
    if form.is_valid():
        try:
            services.step_complete(
                case=case,
                user=request.user,
                step_code=form.cleaned_data["step_code"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    return redirect("cases:detail", pk=case.pk)


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_add(
            case=case,
            user=request.user,
            text=form.cleaned_data["text"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    else:
        messages.error(request, _("Notatet kan ikke være tomt."))
    return redirect("cases:detail", pk=case.pk)


def _case_form_page(
    request, case, form, *, title: str, intro: str = "", submit: str, fields_template: str = ""
):
    if request.method == "POST":  # the form came back with errors: the case was read again
        reads.form_returned(case)
    return render(
        request,
        "cases/case_form.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "intro": intro,
            "submit": submit,
            "fields_template": fields_template,
        },
    )


@require_http_methods(["GET", "POST"])
def concern_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = ConcernForm(posted(request), tools=concern_tools())
    if request.method == "POST" and form.is_valid():
        services.concern_add(
            case=case,
            user=request.user,
            concern=_concern_data(form.cleaned_data),
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
        return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Konkretiser undringen"),
        intro=_("Nye observasjoner, samtaler og det du har drøftet med leder."),
        submit=_("Lagre"),
        fields_template="cases/_concern_fields.html",
    )


@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    others = Service.objects.filter(is_active=True).exclude(pk=case.owner_service_id)
    form = ConsentForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        services=others.order_by("name"),
        child=case.child,
        guide=request_guide(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                case=case,
                user=request.user,
                services=list(data["services"]),
                guardians=list(data.get("guardians") or []),
                child_consented=data.get("child_consented", False),
                others=data["others"],
                information=data["information"],
                information_other=data["information_other"],
                form=data["form"],
                oral_note=data["oral_note"],
                document=data["document"],
                purpose=data["purpose"],
                given_on=data["given_on"],
                expires_on=data["expires_on"],
                refused=data["refused"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Registrer samtykke"),
        intro=_(
            "Samtykket gis til tjenester, ikke til personer. Alle med foreldreansvar samtykker, "
            "og barnet selv fra kommunens aldersgrense. Det kan trekkes tilbake når som helst."
        ),
        submit=_("Lagre samtykke"),
    )


@require_GET
def consent_document(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """The signed consent form, for everyone who sees the case: as a download, never shown
    inline, audited as a read."""
    case = _visible_case(request, pk)
    consent = reads.signed_consent_form(case, consent_pk)
    return attachment_response(
        bytes(consent.document.content),
        content_type=consent.document.content_type,
        filename=f"samtykke-sak-{case.pk}-{consent.given_on:%Y-%m-%d}.{consent.document.extension}",
    )


@require_http_methods(["GET", "POST"])
def involve(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    others = Service.objects.filter(is_active=True).exclude(pk=case.owner_service_id)
    form = InvolveForm(posted(request), services=others.order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_involve(
                case=case, user=request.user, service=form.cleaned_data["service"]
            )
        except services.ConsentMissing as exc:
            form.add_error("service", str(exc))
        except ValidationError as exc:
            form.add_error("service", exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Ta med en annen tjeneste"),
        intro=_("Krever samtykke som omfatter tjenesten."),
        submit=_("Ta med i saken"),
    )


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=policies.may_decide)
    form = DecisionForm(posted(request), level=case.level, initial={"step_code": case.step_code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_decide(
                case=case,
                user=request.user,
                to_level=data["to_level"],
                reason=data["reason"],
                child_view=data["child_view"],
                step_code=data["step_code"],
                idempotency_key=data["idempotency_key"],
            )
        except (MoveRefused, ValidationError) as exc:
            form.add_error("to_level", exc.messages[0] if hasattr(exc, "messages") else str(exc))
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Beslutning"),
        intro=_("Hva er veien videre? Skriv alltid hvorfor."),
        submit=_("Lagre beslutning"),
    )


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=policies.may_report)
    form = ReportForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.report_file(
            case=case,
            user=request.user,
            reported_at=data["reported_at"],
            channel=data["channel"],
            reason=data["reason"],
            police_contacted=data["police_contacted"],
            received_by=data.get("received_by"),
            idempotency_key=data["idempotency_key"],
        )
        return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Melding til barnevernet"),
        intro=_(
            "Opplysningsplikten gjelder på alle nivåer og krever ikke "
            "samtykke. Foresatte varsles ikke."
        ),
        submit=_("Registrer meldingen"),
    )


# --- Meetings, minutes, measures and evaluations ------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    collaborating = services_in_case(case)
    form = MeetingForm(
        posted(request),
        services=collaborating,
        people=people_in_services(collaborating),
        initial={
            "participants": [request.user.pk],
            "participant_services": [case.owner_service_id],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_invite(
                case=case,
                user=request.user,
                kind=data["kind"],
                starts_at=data["starts_at"],
                place=data["place"],
                agenda=data["agenda"],
                participants=list(data["participants"]),
                participant_services=list(data["participant_services"]),
                other_participants=data["other_participants"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Møtet er avtalt."))
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Nytt møte"),
        intro=_(
            "Foresatte og barnet inviteres – det er en invitasjon, ikke en innkalling. "
            "BTS sender ikke invitasjonen; gi beskjed til dem som skal være med."
        ),
        submit=_("Avtal møtet"),
    )


@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """The referat of one meeting: read it, or edit it with optimistic locking."""
    policy = policies.may_work_on if request.method == "POST" else policies.may_read
    case = _case_for_change(request, pk, policy=policy)
    meeting = get_object_or_404(
        case.meetings.select_related("minutes__updated_by", "invited_by").prefetch_related(
            "participants", "participant_services"
        ),
        pk=meeting_pk,
    )
    saved = meeting.saved_minutes
    may_work = policies.may_work_on(request.user, case)
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.minutes_save(
                    meeting=meeting,
                    user=request.user,
                    data=form.sections(),
                    version=form.cleaned_data["version"],
                )
            except services.MinutesConflict as exc:
                reads.minutes_conflict_shown(case)
                return _minutes_conflict(request, case, meeting, form, exc.current)
            messages.success(request, _("Referatet er lagret."))
            return redirect("cases:minutes", pk=case.pk, meeting_pk=meeting.pk)
        reads.form_returned(case)
    elif may_work:
        initial = saved.sections() if saved else {}
        form = MinutesForm(initial={**initial, "version": saved.version if saved else 0})
    else:
        form = None
    return render(
        request,
        "cases/minutes.html",
        {
            "case": case,
            "meeting": meeting,
            "saved": saved,
            "sections": Minutes.labelled(saved),
            "form": form,
        },
    )


def _minutes_conflict(request, case, meeting, form, current: Minutes) -> HttpResponse:
    """Someone saved first: show their text beside the user's, and let the user merge."""
    own = form.sections()
    rows = conflict_rows(
        [
            (label, getattr(current, name), own[name])
            for name, (label, _text) in zip(
                Minutes.SECTIONS, Minutes.labelled(current), strict=True
            )
        ]
    )
    title = _("Referatet er endret av en annen")
    if current.pk:
        who, when = current.updated_by, moment(current.updated_at)
        notice = _(
            "%(who)s lagret referatet %(when)s (versjon %(version)s) etter at du åpnet det."
        ) % {"who": who, "when": when, "version": current.version}
        saved_label = _("Lagret av %(who)s %(when)s") % {"who": who, "when": when}
    else:
        notice, saved_label = _("Referatet er ikke lagret av noen ennå."), _("Lagret")
    minutes_url = reverse("cases:minutes", args=[case.pk, meeting.pk])
    return conflict_page(
        request,
        page_title=_("%(title)s – sak %(n)s") % {"title": title, "n": case.pk},
        title=title,
        crumbs=[
            Crumb(
                reverse("cases:detail", args=[case.pk]),
                _("Saken om %(child)s") % {"child": case.child},
            ),
            Crumb(
                minutes_url,
                _("Referat fra %(kind)s %(date)s")
                % {"kind": meeting.get_kind_display(), "date": day(meeting.starts_at)},
            ),
        ],
        notice=notice,
        saved_label=saved_label,
        rows=rows,
        form=MinutesForm(initial={**own, "version": current.version}),
        action=minutes_url,
        submit=_("Lagre referatet"),
    )


@require_http_methods(["GET", "POST"])
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    collaborating = services_in_case(case)
    form = MeasureForm(
        posted(request),
        services=collaborating,
        people=people_in_services(collaborating),
        initial={"responsible_service": case.owner_service_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measure_add(
                case=case,
                user=request.user,
                description=data["description"],
                goal=data["goal"],
                location=data["location"],
                responsible_service=data["responsible_service"],
                responsible_person=data["responsible_person"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                evaluation_due=data["evaluation_due"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Tiltaket er registrert."))
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Nytt tiltak"),
        intro=_(
            "Et tiltak har et målbart mål, en ansvarlig, en periode og en dato for evaluering. "
            "Barnet involveres og foresatte informeres."
        ),
        submit=_("Lagre tiltaket"),
    )


@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """Evaluate an active measure; everyone who sees the case may read its evaluations."""
    policy = policies.may_work_on if request.method == "POST" else policies.may_read
    case = _case_for_change(request, pk, policy=policy)
    measure = get_object_or_404(
        case.measures.select_related("responsible_service", "responsible_person").prefetch_related(
            Prefetch("evaluations", queryset=Evaluation.objects.select_related("created_by"))
        ),
        pk=measure_pk,
    )
    form = EvaluationForm(posted(request), measure=measure)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.evaluation_add(
                    measure=measure,
                    user=request.user,
                    effect=data["effect"],
                    child_experience=data["child_experience"],
                    guardians_view=data["guardians_view"],
                    outcome=data["outcome"],
                    evaluated_on=data["evaluated_on"],
                    next_evaluation_due=data["next_evaluation_due"],
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Evalueringen er registrert."))
                return redirect("cases:detail", pk=case.pk)
        reads.form_returned(case)
    elif not (measure.is_active and policies.may_work_on(request.user, case)):
        form = None
    return render(
        request,
        "cases/evaluation_new.html",
        {"case": case, "measure": measure, "form": form, "today": timezone.localdate()},
    )


# --- Responsibility ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def handover_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=policies.may_hand_over)
    form = HandoverForm(posted(request), candidates=handover_candidates(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.handover_offer(
                case=case,
                user=request.user,
                to_user=data["to_user"],
                message=data["message"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            form.add_error("to_user", exc)
        else:
            messages.success(request, _("Tilbudet er sendt. Du er ansvarlig til det er akseptert."))
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Overfør oppfølgingsansvaret"),
        intro=_("Du beholder saken på listen din med en påminnelse (samtidighetsansvar)."),
        submit=_("Send tilbudet"),
    )


@require_http_methods(["GET", "POST"])
def handover_answer(request: HttpRequest, pk: int, handover_pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=policies.may_read)
    handover = get_object_or_404(
        case.handovers.filter(status=Handover.Status.OFFERED, to_user=request.user),
        pk=handover_pk,
    )
    form = HandoverAnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["accept"] == "ja"
        services.handover_answer(
            handover=handover,
            user=request.user,
            accept=accept,
            answer=form.cleaned_data["answer"],
        )
        if accept:
            messages.success(request, _("Du er nå oppfølgingsansvarlig i saken."))
            return redirect("cases:detail", pk=case.pk)
        messages.success(request, _("Du har avslått å overta saken."))
        return redirect("start")
    intro = _("%(who)s spør om du vil overta som oppfølgingsansvarlig.") % {
        "who": handover.from_user
    }
    if handover.message:
        intro += " " + _("Melding: %(message)s") % {"message": handover.message}
    return _case_form_page(
        request, case, form, title=_("Vil du overta saken?"), intro=intro, submit=_("Svar")
    )


@require_POST
def watch_end(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible_case(request, pk)
    services.watch_end(case=case, user=request.user)
    return redirect("start")


@require_http_methods(["GET", "POST"])
def coordination(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=policies.may_set_coordination)
    form = CoordinationForm(posted(request), services=services_in_case(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.coordination_set(
                case=case,
                user=request.user,
                service=data["service"],
                reason=data["reason"],
                child_view=data["child_view"],
            )
        except ValidationError as exc:
            form.add_error("service", exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Koordinerende tjeneste"),
        intro=_("Én tjeneste har det koordinerende ansvaret i saken. Historikken beholdes."),
        submit=_("Lagre"),
    )


@require_http_methods(["GET", "POST"])
def wide_collaboration(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk, policy=policies.may_decide)
    if case.level != WIDE_COLLABORATION_LEVEL:
        raise Http404
    current = WideCollaboration.objects.filter(case=case).first()
    initial = (
        {
            "familiehjelpa": current.familiehjelpa,
            "coordinator": current.coordinator_id,
            "child_coordinator": current.child_coordinator_id,
            "individual_plan": current.individual_plan,
            "note": current.note,
        }
        if current
        else {}
    )
    people = people_in_services(services_in_case(case))
    form = WideCollaborationForm(posted(request), initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        services.wide_collaboration_save(case=case, user=request.user, **form.cleaned_data)
        return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Nivå 3: bredt tverrfaglig samarbeid"),
        intro=_(
            "Familiehjelpa skal tilbys. Vurder koordinator, barnekoordinator og individuell "
            "plan. Aktuelle ledere skal være orientert om saken."
        ),
        submit=_("Lagre"),
    )


@require_POST
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    try:
        services.checklist_save(
            case=case,
            user=request.user,
            step_code=request.POST.get("step_code", ""),
            checked=set(request.POST.getlist("item")),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        if request.htmx:
            # The page is stale: reload it whole rather than patch a part of it.
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect("cases:detail", pk=case.pk)
    if request.htmx:
        step = guide_step(request_guide(request), case.step_code)
        return render(
            request,
            "cases/detail.html#checklist",
            {"case": case, "may_work": True, "checklist": _checklist(case, step), "saved": True},
        )
    return redirect("cases:detail", pk=case.pk)


def _checklist(case: Case, step) -> list[dict]:
    if step is None:
        return []
    done = {c.item for c in case.step_checks.all() if c.step_code == step.code}
    return [{"text": item, "done": item in done} for item in step.checklist_items]


@require_http_methods(["GET", "POST"])
def reassign_all(request: HttpRequest) -> HttpResponse:
    """For leaders: move a departing employee's cases to another employee in one action."""
    led = led_service_ids(request.user)
    if not led:
        refuse(request, detail="reassign_all")
        raise PermissionDenied(_("Bare ledere kan overføre andres saker."))
    holders = User.objects.filter(
        responsible_cases__status=Case.Status.OPEN, responsible_cases__owner_service_id__in=led
    ).distinct()
    staff = people_in_services(Service.objects.filter(pk__in=led))
    form = ReassignAllForm(
        posted(request),
        holders=holders.order_by("last_name", "first_name"),
        staff=staff,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = services.cases_reassign_all(
                leader=request.user,
                from_user=data["from_user"],
                to_user=data["to_user"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error("to_user", exc)
        else:
            messages.success(
                request,
                _("%(count)s saker er overført til %(to)s.")
                % {"count": count, "to": data["to_user"]},
            )
            return redirect("start")
    return render(request, "cases/reassign_all.html", {"form": form})


@require_http_methods(["GET"])
def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has read or changed the case, for the leader of the service that owns it."""
    case = _case_for_change(request, pk, policy=policies.may_see_access_log)
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


def _case_for_export(request: HttpRequest, pk: int, policy, *, detail: str) -> Case:
    return access.case_for_export(request.user, pk, access.action_of(policy), detail=detail)


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
    case = _case_for_export(request, pk, policies.may_see_access_log, detail="access_report")
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
    case = _case_for_export(request, pk, policies.may_see_access_log, detail="access_log_csv")
    start, end = period
    return reports.access_log_csv(case, selectors.access_events(case, start=start, end=end))


@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    consent = get_object_or_404(case.consents.filter(Consent.active_q()), pk=consent_pk)
    form = ConsentWithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                case=case,
                consent=consent,
                user=request.user,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                how=form.cleaned_data["how"],
            )
        except ValidationError as exc:
            form.add_error("withdrawn_on", exc)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _case_form_page(
        request,
        case,
        form,
        title=_("Trekk tilbake samtykke"),
        intro=_(
            "Tjenestene samtykket gjaldt, mister tilgang til det som skjer etter dette, "
            "med mindre et annet samtykke gjelder dem. Det som er gjort, blir stående."
        ),
        submit=_("Registrer tilbaketrekkingen"),
    )


# --- Documents (PDF/A) and the archive package ----------------------------------------------


def _pdf(content: bytes, name: str) -> HttpResponse:
    return attachment_response(content, content_type="application/pdf", filename=name)


def _stamp(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


@require_GET
def minutes_pdf(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """The referat of a meeting, for everyone who sees the case."""
    case = _case_for_export(request, pk, policies.may_read, detail=f"minutes_pdf:{meeting_pk}")
    meeting = get_object_or_404(
        case.meetings.select_related("minutes__updated_by", "invited_by").prefetch_related(
            "participants", "participant_services"
        ),
        pk=meeting_pk,
        minutes__isnull=False,
    )
    return _pdf(
        documents.minutes_pdf(case, meeting),
        f"referat-sak-{case.pk}-{_stamp(meeting.starts_at)}.pdf",
    )


@require_GET
def invitation_pdf(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    case = _case_for_export(request, pk, policies.may_read, detail=f"invitation_pdf:{meeting_pk}")
    meeting = get_object_or_404(
        case.meetings.select_related("invited_by").prefetch_related(
            "participants", "participant_services"
        ),
        pk=meeting_pk,
    )
    return _pdf(
        documents.invitation_pdf(case, meeting),
        f"invitasjon-sak-{case.pk}-{_stamp(meeting.starts_at)}.pdf",
    )


@require_GET
def consent_pdf(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    """The record of a consent as given, refused, withdrawn or expired."""
    case = _case_for_export(request, pk, policies.may_read, detail=f"consent_pdf:{consent_pk}")
    consent = get_object_or_404(
        case.consents.select_related("recorded_by").prefetch_related("services"), pk=consent_pk
    )
    return _pdf(
        documents.consent_record_pdf(case, consent),
        f"samtykke-sak-{case.pk}-{consent.given_on:%Y-%m-%d}.pdf",
    )


@require_http_methods(["GET", "POST"])
def consent_form(request: HttpRequest, pk: int) -> HttpResponse:
    """A consent form filled in for the family to sign: the services, the information, the
    purpose, their rights and the law. Nothing is recorded; the signed form comes back later."""
    if request.method == "GET":
        case = _case_for_change(request, pk)
    else:
        case = _visible_case(request, pk)
        if not policies.may_work_on(request.user, case):
            refuse(request, case_id=case.pk, detail="consent_form")
            raise PermissionDenied(_("Du kan ikke endre denne saken."))
    others = Service.objects.filter(is_active=True).exclude(pk=case.owner_service_id)
    form = ConsentRequestForm(posted(request), services=others.order_by("name"))
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            pdf = reads.consent_form_blank(
                case,
                documents.ConsentRequest(
                    services=list(data["services"]),
                    information=data["information"],
                    information_other=data["information_other"],
                    purpose=data["purpose"],
                    expires_on=data["expires_on"],
                ),
            )
            return _pdf(pdf, f"samtykkeskjema-sak-{case.pk}.pdf")
        reads.form_returned(case)
    return render(
        request,
        "cases/case_form.html",
        {
            "case": case,
            "form": form,
            "title": _("Samtykkeskjema til signering"),
            "intro": _(
                "Velg det samtykket skal gjelde. Du får skjemaet som PDF, fylt ut med barnets og "
                "foresattes navn, formålet, rettighetene og lovgrunnlaget. Når det er signert, "
                "registrerer du samtykket og laster opp skjemaet."
            ),
            "submit": _("Lag skjemaet (PDF)"),
        },
    )


@require_GET
def report_pdf(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """The report to barnevern as it was filed."""
    case = _case_for_export(request, pk, policies.may_read, detail=f"report_pdf:{report_pk}")
    report = get_object_or_404(
        case.reports.select_related("received_by", "reported_by"), pk=report_pk
    )
    return _pdf(
        documents.report_pdf(case, report),
        f"melding-barnevernet-sak-{case.pk}-{_stamp(report.reported_at)}.pdf",
    )


@require_GET
def decision_pdf(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    case = _case_for_export(request, pk, policies.may_read, detail=f"decision_pdf:{decision_pk}")
    decision = get_object_or_404(case.decisions.select_related("decided_by"), pk=decision_pk)
    return _pdf(
        documents.decision_pdf(case, decision),
        f"beslutning-sak-{case.pk}-{_stamp(decision.decided_at)}.pdf",
    )


@require_GET
def case_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole case in one document, for the leader of the owning service."""
    case = _case_for_export(request, pk, policies.may_see_access_log, detail="case_pdf")
    return _pdf(
        documents.case_pdf(case, parts=archive.case_parts(case)),
        f"saken-samlet-sak-{case.pk}.pdf",
    )


@require_http_methods(["GET", "POST"])
def archive_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The archive package: made when the case is closed (daily), or again on demand."""
    case = _case_for_change(request, pk, policy=policies.may_see_access_log)
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
    case = _case_for_export(request, pk, policies.may_see_access_log, detail="archive_package")
    package = StoredFile.objects.filter(pk=case.archive_id).first() if case.archive_id else None
    if package is None:
        raise Http404
    return attachment_response(
        bytes(package.content),
        content_type="application/zip",
        filename=f"arkivpakke-sak-{case.pk}-{_stamp(case.archived_at)}.zip",
    )
