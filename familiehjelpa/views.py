"""Familiehjelpa's pages. Every inquiry comes through `selectors.visible_inquiries`, so another
service's inquiry (or one a family contact does not follow) is a 404, like a case; every case
through `cases.selectors.visible_cases`. Each read writes one audit event, named by ids only."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from bts.audit import audit, refuse
from bts.downloads import attachment_response
from bts.models import Service
from bts.web import Crumb, add_service_errors, conflict_page, moment, posted, posted_files
from cases import policies as case_policies
from cases import services as case_services
from cases.events import CaseAudit
from cases.forms import GuardianFormSet
from cases.selectors import case_visible_q, possible_duplicates, visible_cases
from levels.selectors import request_guide

from . import documents, policies, selectors, services
from .documents import _display, _duken_groups, _sections
from .events import InquiryAudit
from .forms import (
    AdviceForm,
    ChildConsentForm,
    ChildTeamDecisionForm,
    ChildTeamForm,
    ContactForm,
    ConversationForm,
    DukenForm,
    InquiryForm,
    MappingForm,
    MoveForm,
    ReferForm,
)
from .models import ChildTeamItem, DukenVersion, Inquiry, InquiryCase, Mapping
from .rules import MoveRefused

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


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _ref(inquiry_id: int, what: str = "") -> str:
    """How the audit log names an inquiry: by id, never by content."""
    return f"henvendelse:{inquiry_id}" + (f":{what}" if what else "")


def _tool(request: HttpRequest, allowed: bool, what: str) -> None:
    """The team leader's tools (and the drøftingstelefon): a 403 for everyone else."""
    if not allowed:
        refuse(request, detail=f"familiehjelpa:{what}")
        raise PermissionDenied(_("Dette er for familiehjelpa."))


def _visible_inquiry(request: HttpRequest, pk: int, queryset=None) -> Inquiry:
    """The inquiry if the user may see it; otherwise a 404, noted as a refused attempt."""
    qs = queryset if queryset is not None else selectors.visible_inquiries(request.user)
    inquiry = qs.filter(pk=pk).first()
    if inquiry is None:
        refuse(request, detail=_ref(pk, "not_visible"))
        raise Http404
    return inquiry


def _inquiry_for(request: HttpRequest, pk: int, policy, *, audit_get: bool = True) -> Inquiry:
    """An inquiry the user may act on by `policy` (403 if they see it but may not). A GET (the
    form) is audited here as a read; a POST by the view, as what it changed or read."""
    inquiry = _visible_inquiry(
        request,
        pk,
        selectors.visible_inquiries(request.user).select_related(
            "service", "referring_service", "family_contact"
        ),
    )
    if not policy(request.user, inquiry):
        refuse(request, detail=_ref(pk, request.resolver_match.url_name))
        raise PermissionDenied(_("Du kan ikke endre denne henvendelsen."))
    if request.method == "GET" and audit_get:
        audit(
            request,
            kind=InquiryAudit.INQUIRY_VIEWED,
            detail=_ref(pk, request.resolver_match.url_name),
        )
    return inquiry


def _form_page(request, inquiry, form, *, title, intro="", submit, status=200, extra=None):
    if request.method == "POST":  # the form came back: the inquiry was read again
        audit(request, kind=InquiryAudit.INQUIRY_VIEWED, detail=_ref(inquiry.pk, "form"))
    return render(
        request,
        "familiehjelpa/form.html",
        {
            "inquiry": inquiry,
            "form": form,
            "title": title,
            "intro": intro,
            "submit": submit,
            **(extra or {}),
        },
        status=status,
    )


def _led_service(request: HttpRequest) -> Service:
    led = policies.led_services(request.user)
    return Service.objects.filter(pk__in=led).order_by("name").first()


# --- The board ------------------------------------------------------------------------------------


def _board_context(request: HttpRequest, **extra) -> dict:
    columns = selectors.board(request.user)
    for column in columns:
        for card in column.cards:
            card.moves = selectors.card_moves(card)
    return {"columns": columns, **extra}


@require_GET
@vary_on_headers("HX-Request")
def board(request: HttpRequest) -> HttpResponse:
    _tool(request, policies.may_use_board(request.user), "board")
    audit(request, kind=InquiryAudit.INQUIRY_VIEWED, detail="familiehjelpa:tavle")
    context = _board_context(request)
    if request.htmx and request.htmx.target == "board":
        return render(request, "familiehjelpa/board.html#columns", context)
    context |= {
        "agenda": selectors.child_team_agenda(request.user),
        "next_child_team": selectors.next_child_team(request.user),
    }
    return render(request, "familiehjelpa/board.html", context)


@require_POST
@vary_on_headers("HX-Request")
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """One move on the board (or on the inquiry's page), by htmx or a plain form."""
    inquiry = _inquiry_for(request, pk, policies.may_triage)
    form = MoveForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Velg hvor henvendelsen skal flyttes.")
    else:
        data = form.cleaned_data
        try:
            services.inquiry_move(
                inquiry=inquiry,
                user=request.user,
                to_state=data["to_state"],
                seen_state=data["seen_state"],
                reason=data["reason"],
            )
        except MoveRefused as exc:
            error = str(exc)
    if error:
        audit(request, kind=InquiryAudit.INQUIRY_VIEWED, detail=_ref(pk, "move_refused"))
    else:
        audit(
            request,
            kind=InquiryAudit.INQUIRY_CHANGED,
            detail=_ref(
                pk, f"flytt:{form.cleaned_data['seen_state']}>{form.cleaned_data['to_state']}"
            ),
        )
    target = request.htmx.target if request.htmx else None
    if target == "board":
        return render(
            request,
            "familiehjelpa/board.html#columns",
            _board_context(request, move_error=error, moved=None if error else pk),
        )
    if target == "inquiry-state":
        inquiry = selectors.inquiry_detail(request.user, pk)
        return render(
            request,
            "familiehjelpa/detail.html#state",
            {
                "inquiry": inquiry,
                "moves": selectors.card_moves(inquiry),
                "move_error": error,
                "may_triage": True,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Henvendelsen er flyttet."))
    if request.POST.get("next") == "tavle":
        return redirect("familiehjelpa:board")
    return redirect("familiehjelpa:detail", pk=pk)


# --- Registering ---------------------------------------------------------------------------------


def _referring_services():
    return Service.objects.filter(is_active=True).exclude(kind=Service.Kind.FAMILIEHJELPA)


def _child_and_consent(request, form, guardians):
    """The child (a new one, one found among the user's children, or the service's own case)
    and the consent from a valid ChildConsentForm, or (None, None) when the duplicates warning
    must be shown first."""
    data = form.cleaned_data
    consent = None
    if data.get("consent"):
        consent = services.ConsentData(
            form=data["consent"],
            information=tuple(data["consent_information"]),
            oral_note=data["consent_oral_note"],
            document=data["consent_document"],
            child_consented=data["consent_child"],
        )
    if data.get("case_number"):
        return services.CaseReference(data["case_number"], data["case_birth_date"]), consent
    if not form.names_child:
        return None, consent
    chosen = data.get("existing_child")
    if chosen:
        child = next((c for c in form.duplicates if c.pk == chosen), None)
        if child is not None:
            return child, consent
    if form.duplicates and not data.get("confirm_new"):
        return False, consent  # show the warning
    new = services.NewChild(
        child=case_services.ChildData(
            data["child_first_name"], data["child_last_name"], data["child_birth_date"]
        ),
        guardians=tuple(
            case_services.GuardianData(**g) for g in guardians.cleaned_data if g and g["name"]
        ),
    )
    return new, consent


def _duplicates(request, form) -> list:
    if not form.is_valid() or not form.names_child or form.cleaned_data.get("case_number"):
        return []
    data = form.cleaned_data
    return list(
        possible_duplicates(
            request.user,
            national_id="",
            first_name=data["child_first_name"],
            last_name=data["child_last_name"],
            birth_date=data["child_birth_date"],
        )
    )


@require_http_methods(["GET", "POST"])
def inquiry_new(request: HttpRequest) -> HttpResponse:
    """The mapping form's first part: who called, about what, which child, and the consent."""
    _tool(request, policies.may_register(request.user), "inquiry_new")
    referring = _referring_services().order_by("name")
    form = InquiryForm(posted(request), posted_files(request), referring=referring)
    guardians = GuardianFormSet(posted(request), prefix="guardians")
    if request.method == "POST":
        key = _uuid(request.POST.get("idempotency_key"))
        sent = (
            key and Inquiry.objects.filter(idempotency_key=key, registered_by=request.user).first()
        )
        if sent:  # a double submit: the first one made it
            return redirect("familiehjelpa:detail", pk=sent.pk)
        duplicates = _duplicates(request, form)
        if duplicates:
            form = InquiryForm(
                request.POST, request.FILES, referring=referring, duplicates=duplicates
            )
        if form.is_valid() and guardians.is_valid():
            data = form.cleaned_data
            child, consent = _child_and_consent(request, form, guardians)
            if child is not False:
                try:
                    inquiry = services.inquiry_register(
                        user=request.user,
                        service=_led_service(request),
                        received_at=data["received_at"],
                        channel=data["channel"],
                        source=data["source"],
                        referring_service=data["referring_service"],
                        caller=services.Caller(
                            data["caller_name"],
                            data["caller_role"],
                            data["caller_phone"],
                            data["caller_email"],
                        ),
                        about=data["about"],
                        urgency=data["urgency"],
                        child=child,
                        consent=consent,
                        idempotency_key=data["idempotency_key"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc, CONSENT_FIELDS)
                else:
                    audit(request, kind=InquiryAudit.INQUIRY_CREATED, detail=_ref(inquiry.pk))
                    messages.success(request, _("Henvendelsen er registrert."))
                    return redirect("familiehjelpa:detail", pk=inquiry.pk)
    return render(request, "familiehjelpa/inquiry_new.html", {"form": form, "guardians": guardians})


@require_http_methods(["GET", "POST"])
def child_add(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _inquiry_for(request, pk, policies.may_triage)
    form = ChildConsentForm(posted(request), posted_files(request))
    guardians = GuardianFormSet(posted(request), prefix="guardians")
    if request.method == "POST":
        key = _uuid(request.POST.get("idempotency_key"))
        if key and InquiryCase.objects.filter(idempotency_key=key, inquiry=inquiry).exists():
            # a double submit: the first one made it
            return redirect("familiehjelpa:detail", pk=pk)
        duplicates = _duplicates(request, form)
        if duplicates:
            form = ChildConsentForm(request.POST, request.FILES, duplicates=duplicates)
        if form.is_valid() and guardians.is_valid():
            child, consent = _child_and_consent(request, form, guardians)
            if child is None:
                form.add_error("child_first_name", _("Skriv hvem barnet er."))
            elif child is not False:
                try:
                    link = services.inquiry_child_add(
                        inquiry=inquiry,
                        user=request.user,
                        child=child,
                        consent=consent,
                        idempotency_key=form.cleaned_data["idempotency_key"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc, CONSENT_FIELDS)
                else:
                    audit(request, kind=InquiryAudit.INQUIRY_CHANGED, detail=_ref(pk, "child"))
                    audit(
                        request,
                        kind=CaseAudit.CASE_CHANGED,
                        case_id=link.case_id,
                        detail="familiehjelpa",
                    )
                    messages.success(request, _("Barnet er knyttet til henvendelsen."))
                    return redirect("familiehjelpa:detail", pk=pk)
        audit(request, kind=InquiryAudit.INQUIRY_VIEWED, detail=_ref(pk, "form"))
    return render(
        request,
        "familiehjelpa/child_add.html",
        {"inquiry": inquiry, "form": form, "guardians": guardians},
    )


@require_http_methods(["GET", "POST"])
def advice_new(request: HttpRequest) -> HttpResponse:
    """The drøftingstelefon: counted, stored without anything that identifies anyone."""
    user = request.user
    _tool(request, policies.may_record_advice(user), "advice_new")
    service_ids = policies.led_services(user) or policies.contact_services(user)
    form = AdviceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.advice_call_record(
                user=user,
                service=Service.objects.filter(pk__in=service_ids).order_by("name").first(),
                received_at=data["received_at"],
                channel=data["channel"],
                caller_kind=data["caller_kind"],
                topics=data["topics"],
                advice=data["advice"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit(request, kind=CaseAudit.ANONYMOUS_DISCUSSION, detail="familiehjelpa")
            messages.success(
                request, _("Drøftingen er registrert og telles, uten personopplysninger.")
            )
            return redirect("familiehjelpa:board" if policies.may_use_board(user) else "start")
    return render(request, "familiehjelpa/advice_new.html", {"form": form})


# --- One inquiry ----------------------------------------------------------------------------------


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        inquiry = selectors.inquiry_detail(request.user, pk)
    except Inquiry.DoesNotExist:
        refuse(request, detail=_ref(pk, "not_visible"))
        raise Http404 from None
    audit(request, kind=InquiryAudit.INQUIRY_VIEWED, detail=_ref(pk))
    user = request.user
    return render(
        request,
        "familiehjelpa/detail.html",
        {
            "inquiry": inquiry,
            "moves": selectors.card_moves(inquiry),
            "events": selectors.history(inquiry),
            "history_page": selectors.HISTORY_PAGE,
            "may_triage": policies.may_triage(user, inquiry),
            "may_work": policies.may_work_on(user, inquiry),
            "mapping": getattr(inquiry, "mapping", None),
            "now": timezone.now(),
        },
    )


def _mapping_initial(mapping: Mapping | None, inquiry: Inquiry) -> dict:
    initial = mapping.sections() if mapping else {}
    return {
        **initial,
        "version": mapping.version if mapping else 0,
        "first_contact_at": inquiry.first_contact_at,
    }


@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """The kartleggingsskjema: the team leader fills it in; the family contact reads it."""
    policy = policies.may_triage if request.method == "POST" else policies.may_read
    inquiry = _inquiry_for(request, pk, policy)
    saved = Mapping.objects.filter(inquiry=inquiry).select_related("updated_by").first()
    form = None
    if request.method == "POST":
        form = MappingForm(request.POST)
        if form.is_valid():
            try:
                services.mapping_save(
                    inquiry=inquiry,
                    user=request.user,
                    data=form.sections(),
                    version=form.cleaned_data["version"],
                    first_contact_at=form.cleaned_data["first_contact_at"],
                )
            except services.MappingConflict as exc:
                audit(
                    request, kind=InquiryAudit.INQUIRY_VIEWED, detail=_ref(pk, "mapping:conflict")
                )
                return _conflict(
                    request,
                    inquiry,
                    title=_("Kartleggingsskjemaet er endret av en annen"),
                    rows=_rows(Mapping, Mapping.SECTIONS, exc.current, form.sections()),
                    saved_by=exc.current.updated_by,
                    saved_at=exc.current.updated_at if exc.current.pk else None,
                    form=MappingForm(initial={**form.cleaned_data, "version": exc.current.version}),
                    action="familiehjelpa:mapping",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                audit(request, kind=InquiryAudit.INQUIRY_CHANGED, detail=_ref(pk, "mapping"))
                messages.success(request, _("Kartleggingsskjemaet er lagret."))
                return redirect("familiehjelpa:detail", pk=pk)
        audit(request, kind=InquiryAudit.INQUIRY_VIEWED, detail=_ref(pk, "form"))
    elif policies.may_triage(request.user, inquiry) and inquiry.is_open:
        form = MappingForm(initial=_mapping_initial(saved, inquiry))
    return render(
        request,
        "familiehjelpa/mapping.html",
        {
            "inquiry": inquiry,
            "form": form,
            "saved": saved,
            "sections": _sections(Mapping, Mapping.SECTIONS, saved),
        },
    )


def _rows(model, names, current, own: dict) -> list[dict]:
    """The fields where the stored text and the user's differ, side by side."""
    return [
        {
            "label": model._meta.get_field(n).verbose_name,
            "saved": _display(model, n, getattr(current, n, "")) if current.pk else "",
            "own": _display(model, n, own.get(n)),
        }
        for n in names
        if (getattr(current, n, None) if current.pk else None) != own.get(n)
    ]


def _conflict(request, inquiry, *, title, rows, saved_by, saved_at, form, action) -> HttpResponse:
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


@require_http_methods(["GET", "POST"])
def conversation_new(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _inquiry_for(request, pk, policies.may_work_on)
    others = Service.objects.filter(is_active=True).exclude(pk=inquiry.service_id).order_by("name")
    form = ConversationForm(posted(request), services=others)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.conversation_book(
                inquiry=inquiry,
                user=request.user,
                starts_at=data["starts_at"],
                place=data["place"],
                family_attendees=data["family_attendees"],
                trusted_person=data["trusted_person"],
                invited_services=list(data["invited_services"]),
                note=data["note"],
                idempotency_key=data["idempotency_key"],
            )
        except MoveRefused as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit(request, kind=InquiryAudit.INQUIRY_CHANGED, detail=_ref(pk, "conversation"))
            messages.success(request, _("Samtalen er avtalt."))
            return redirect("familiehjelpa:detail", pk=pk)
    return _form_page(
        request,
        inquiry,
        form,
        title=_("Avtal samtale med familien"),
        intro=_(
            "Familien tilbys en samtale, og får vite at en tillitsperson kan være med. Avtal "
            "hvem fra tjenestene som skal inviteres. BTS sender ingen invitasjon."
        ),
        submit=_("Avtal samtalen"),
    )


# --- DUKEN ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def duken(request: HttpRequest, pk: int) -> HttpResponse:
    """DUKEN with the family: every save a new version; two editors conflict visibly."""
    policy = policies.may_work_on if request.method == "POST" else policies.may_read
    inquiry = _inquiry_for(request, pk, policy)
    latest = selectors.duken_latest(inquiry)
    may_work = policies.may_work_on(request.user, inquiry)
    form = None
    if request.method == "POST":
        form = DukenForm(request.POST)
        if form.is_valid():
            try:
                version = services.duken_save(
                    inquiry=inquiry,
                    user=request.user,
                    data=form.values(),
                    based_on=form.cleaned_data["based_on"],
                )
            except services.DukenConflict as exc:
                audit(request, kind=InquiryAudit.INQUIRY_VIEWED, detail=_ref(pk, "duken:conflict"))
                current = exc.current
                return _conflict(
                    request,
                    inquiry,
                    title=_("DUKEN er lagret av en annen"),
                    rows=_rows(DukenVersion, DukenVersion.FIELDS, current, form.values()),
                    saved_by=current.saved_by,
                    saved_at=current.saved_at,
                    form=DukenForm(initial={**form.values(), "based_on": current.number}),
                    action="familiehjelpa:duken",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                audit(request, kind=InquiryAudit.INQUIRY_CHANGED, detail=_ref(pk, "duken"))
                messages.success(
                    request,
                    _("DUKEN er lagret (versjon %(v)s).") % {"v": version.number},
                )
                return redirect("familiehjelpa:duken", pk=pk)
        audit(request, kind=InquiryAudit.INQUIRY_VIEWED, detail=_ref(pk, "form"))
    elif may_work:
        initial = latest.values() if latest else {"held_on": timezone.localdate()}
        form = DukenForm(initial={**initial, "based_on": latest.number if latest else 0})
    return render(
        request,
        "familiehjelpa/duken.html",
        {
            "inquiry": inquiry,
            "form": form,
            "groups": _duken_groups(form, None if form else latest),
            "latest": latest,
            "versions": selectors.duken_versions(inquiry),
        },
    )


def _duken_version(request, pk: int, number: int):
    inquiry = _inquiry_for(request, pk, policies.may_read, audit_get=False)
    version = get_object_or_404(inquiry.duken_versions.select_related("saved_by"), number=number)
    return inquiry, version


@require_GET
def duken_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One version as the family's printable copy."""
    inquiry, version = _duken_version(request, pk, number)
    audit(request, kind=InquiryAudit.INQUIRY_VIEWED, detail=_ref(pk, f"duken:{number}"))
    return render(
        request,
        "familiehjelpa/duken_print.html",
        {"inquiry": inquiry, "version": version, "groups": _duken_groups(version=version)},
    )


def _municipality(request) -> str:
    guide = request_guide(request)
    return guide.municipality if guide else ""


@require_GET
def duken_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    inquiry, version = _duken_version(request, pk, number)
    audit(request, kind=CaseAudit.DOCUMENT_EXPORTED, detail=_ref(pk, f"duken:{number}:pdf"))
    return attachment_response(
        documents.duken_pdf(inquiry, version, municipality=_municipality(request)),
        content_type="application/pdf",
        filename=f"duken-henvendelse-{inquiry.pk}-v{version.number}.pdf",
    )


# --- Family contact ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_assign(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _inquiry_for(request, pk, policies.may_triage)
    pool = selectors.contact_pool(inquiry.service)
    form = ContactForm(
        posted(request),
        pool=pool,
        initial={"seen_state": inquiry.state, "contact": inquiry.family_contact_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.family_contact_assign(
                inquiry=inquiry,
                user=request.user,
                contact=form.cleaned_data["contact"],
                seen_state=form.cleaned_data["seen_state"],
            )
        except MoveRefused as exc:
            form.add_error("contact", str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit(request, kind=InquiryAudit.INQUIRY_CHANGED, detail=_ref(pk, "contact"))
            for case_id in selectors.linked_cases(request.user, inquiry).values_list(
                "pk", flat=True
            ):
                audit(request, kind=CaseAudit.CASE_CHANGED, case_id=case_id, detail="familiehjelpa")
            messages.success(
                request,
                _("%(who)s er familiekontakt for familien.")
                % {"who": form.cleaned_data["contact"]},
            )
            return redirect("familiehjelpa:detail", pk=pk)
    return _form_page(
        request,
        inquiry,
        form,
        title=_("Tildel familiekontakt"),
        intro=_(
            "Familiekontakten følger familien, koordinerer hjelpen og blir koordinator i "
            "familiens saker. Den som byttes ut, mister tilgangen dette ga."
        ),
        submit=_("Tildel"),
    )


# --- Barneteam -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def child_team_refer(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _inquiry_for(request, pk, policies.may_triage)
    cases = selectors.linked_cases(request.user, inquiry).filter(status="open")
    upcoming = selectors.next_child_team(request.user)
    initial = (
        {"starts_at": timezone.localtime(upcoming.starts_at), "place": upcoming.place}
        if upcoming
        else {}
    )
    form = ChildTeamForm(
        posted(request), cases=cases.select_related("child").order_by("pk"), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.child_team_refer(
                inquiry=inquiry,
                user=request.user,
                case=data["case"],
                question=data["question"],
                starts_at=data["starts_at"],
                place=data["place"],
                idempotency_key=data["idempotency_key"],
            )
        except MoveRefused as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit(
                request, kind=CaseAudit.CASE_CHANGED, case_id=item.case_id, detail="familiehjelpa"
            )
            messages.success(request, _("Saken står på barneteamets sakliste."))
            return redirect("familiehjelpa:detail", pk=pk)
    if upcoming:
        when = timezone.localtime(upcoming.starts_at)
        intro = _("Neste barneteam er %(date)s kl. %(time)s, %(place)s.") % {
            "date": f"{when:%d.%m.%Y}",
            "time": f"{when:%H:%M}",
            "place": upcoming.place,
        }
    else:
        intro = _("Ingen barneteammøter er satt opp ennå. Skriv når og hvor barneteamet møtes.")
    return _form_page(
        request,
        inquiry,
        form,
        title=_("Meld saken inn til barneteamet"),
        intro=intro
        + " "
        + _("Barneteamet beslutter hvem som har oppfølgingsansvaret i grensesaker."),
        submit=_("Sett på saklisten"),
    )


@require_http_methods(["GET", "POST"])
def child_team_decide(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    inquiry = _inquiry_for(request, pk, policies.may_triage, audit_get=False)
    item = get_object_or_404(
        ChildTeamItem.objects.filter(
            case_visible_q(request.user), inquiry=inquiry, decided_at__isnull=True
        ).select_related("meeting", "case__child"),
        pk=item_pk,
    )
    choices, people = selectors.decision_candidates(item.case)
    form = ChildTeamDecisionForm(posted(request), services=choices, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.child_team_decide(
                item=item,
                user=request.user,
                service=data["service"],
                reason=data["reason"],
                child_view=data["child_view"],
                offer_to=data["offer_to"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit(request, kind=CaseAudit.CASE_DECIDED, case_id=item.case_id, detail="barneteam")
            messages.success(request, _("Barneteamets beslutning er registrert."))
            return redirect("familiehjelpa:detail", pk=pk)
    audit(
        request, kind=CaseAudit.CASE_VIEWED, case_id=item.case_id, detail="familiehjelpa:barneteam"
    )
    when = timezone.localtime(item.meeting.starts_at)
    return render(
        request,
        "familiehjelpa/form.html",
        {
            "inquiry": inquiry,
            "form": form,
            "title": _("Barneteamets beslutning"),
            "intro": _("Saken om %(child)s, barneteamet %(date)s: %(question)s")
            % {"child": item.case.child, "date": f"{when:%d.%m.%Y}", "question": item.question},
            "submit": _("Registrer beslutningen"),
        },
    )


# --- The reply letter ----------------------------------------------------------------------------


def _letter_context(request, inquiry: Inquiry) -> dict:
    return documents.letter_context(
        inquiry,
        cases=inquiry.links.filter(case_visible_q(request.user)),
        municipality=_municipality(request),
    )


@require_http_methods(["GET", "POST"])
def reply_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The written reply to the family, with a copy to the referring service: a preview from the
    inquiry and the latest DUKEN; the team leader records when it is sent."""
    policy = policies.may_triage if request.method == "POST" else policies.may_read
    inquiry = _inquiry_for(request, pk, policy)
    if request.method == "POST":
        if request.POST.get("sent") == "ja":
            services.reply_sent(inquiry=inquiry, user=request.user)
            audit(request, kind=InquiryAudit.INQUIRY_CHANGED, detail=_ref(pk, "reply"))
            messages.success(request, _("Det er registrert at svaret er sendt."))
        return redirect("familiehjelpa:detail", pk=pk)
    context = _letter_context(request, inquiry)
    context["may_triage"] = policies.may_triage(request.user, inquiry)
    return render(request, "familiehjelpa/reply_letter.html", context)


@require_GET
def reply_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _inquiry_for(request, pk, policies.may_read, audit_get=False)
    audit(request, kind=CaseAudit.DOCUMENT_EXPORTED, detail=_ref(pk, "svarbrev:pdf"))
    return attachment_response(
        documents.reply_letter_pdf(inquiry, context=_letter_context(request, inquiry)),
        content_type="application/pdf",
        filename=f"svarbrev-henvendelse-{inquiry.pk}.pdf",
    )


# --- Numbers -------------------------------------------------------------------------------------


@require_GET
def numbers(request: HttpRequest) -> HttpResponse:
    _tool(request, policies.may_use_board(request.user), "numbers")
    data = selectors.numbers(request.user)
    audit(request, kind=InquiryAudit.INQUIRY_VIEWED, detail="familiehjelpa:tall")
    return render(
        request,
        "familiehjelpa/numbers.html",
        {
            **data,
            "sources": Inquiry.Source.choices,
            "channels": Inquiry.Channel.choices,
            "median_days": selectors.as_days(data["median_first_contact"]),
            "median_days_by_source": [
                (label, selectors.as_days(data["median_by_source"][value]))
                for value, label in Inquiry.Source.choices
            ],
        },
    )


# --- Referral from the case page -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, case_pk: int) -> HttpResponse:
    """A service refers its case at nivå 2–3 to familiehjelpa (with the family's consent)."""
    case = (
        visible_cases(request.user)
        .select_related("child", "owner_service")
        .filter(pk=case_pk)
        .first()
    )
    if case is None:
        refuse(request, case_id=case_pk, detail="not_visible")
        raise Http404
    if not case_policies.may_work_on(request.user, case):
        refuse(request, case_id=case.pk, detail="familiehjelpa:refer")
        raise PermissionDenied(_("Du kan ikke endre denne saken."))
    choices = selectors.familiehjelpa_services()
    targets = list(choices)
    form = ReferForm(posted(request), services=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if not targets:
                raise ValidationError(_("Kommunen har ingen familiehjelpa i BTS."))
            inquiry = services.case_refer(
                case=case,
                user=request.user,
                service=data.get("service") or targets[0],
                about=data["about"],
                urgency=data["urgency"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            audit(
                request,
                kind=CaseAudit.CASE_CHANGED,
                case_id=case.pk,
                detail=f"familiehjelpa:{inquiry.pk}",
            )
            messages.success(
                request,
                _("Saken er henvist til familiehjelpa. Teamleder tar kontakt."),
            )
            return redirect("cases:detail", pk=case.pk)
    audit(request, kind=CaseAudit.CASE_VIEWED, case_id=case.pk, detail="familiehjelpa:refer")
    return render(request, "familiehjelpa/refer.html", {"case": case, "form": form})
