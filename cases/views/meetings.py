"""Meetings and their minutes (optimistic locking, the conflict page), with their PDFs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bts.web import Crumb, add_service_errors, conflict_page, conflict_rows, day, moment, posted
from levels.selectors import meeting_kinds_for, request_guide
from levels.words import current_words

from .. import access, documents, reads, services
from ..forms import MeetingForm, MinutesForm
from ..models import Minutes
from ..selectors import family_voice_before_meeting, people_in_services, services_in_case
from ._common import _case_for_change, _case_for_export, _case_form_page, _pdf, _stamp


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    collaborating = services_in_case(case)
    kinds, default = meeting_kinds_for(request_guide(request), case.level, case.step_code)
    form = MeetingForm(
        posted(request),
        services=collaborating,
        people=people_in_services(collaborating),
        kinds=kinds,
        initial={
            "kind": default.code if default else "",
            "participants": [request.user.pk],
            "participant_services": [case.owner_service_id],
            "other_participants": _family(case) if default and default.invite_family else "",
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
            add_service_errors(form, exc)
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
            "%(product)s sender ikke invitasjonen; gi beskjed til dem som skal være med."
        )
        % current_words().as_dict(),
        submit=_("Avtal møtet"),
    )


def _family(case) -> str:
    """Who a meeting that invites the family invites: the guardians and the child."""
    names = [g.name for g in case.child.guardians.all() if g.name]
    return ", ".join([*names, case.child.first_name])


@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """The referat of one meeting: read it, or edit it with optimistic locking."""
    policy = access.Action.WORK_ON if request.method == "POST" else access.Action.READ
    case = _case_for_change(request, pk, policy=policy)
    meeting = get_object_or_404(
        case.meetings.select_related("minutes__updated_by", "invited_by").prefetch_related(
            "participants", "participant_services"
        ),
        pk=meeting_pk,
    )
    saved = meeting.saved_minutes
    may_work = access.may(request.user, access.Action.WORK_ON, case)
    started = meeting.starts_at <= timezone.now()
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
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Referatet er lagret."))
                return redirect("cases:minutes", pk=case.pk, meeting_pk=meeting.pk)
        reads.form_returned(case)
    elif may_work and started:
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
            "started": started,
            "may_work": may_work,
            "family_answers": list(meeting.family_answers.all()),
            "family_topics": family_voice_before_meeting(meeting),
        },
    )


@require_POST
def minutes_share(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """Share the saved referat with the family: their page offers it as a PDF."""
    case = _case_for_change(request, pk)
    meeting = get_object_or_404(case.meetings, pk=meeting_pk)
    # The button says what is done (a POST without it shares nothing).
    if request.POST.get("share") != "family":
        messages.error(request, _("Velg «Del referatet med familien» for å dele det."))
        return redirect("cases:minutes", pk=case.pk, meeting_pk=meeting.pk)
    try:
        services.minutes_share(meeting=meeting, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Referatet er delt med familien."))
    return redirect("cases:minutes", pk=case.pk, meeting_pk=meeting.pk)


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


@require_GET
def minutes_pdf(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """The referat of a meeting, for everyone who sees the case."""
    case = _case_for_export(request, pk, access.Action.READ, detail=f"minutes_pdf:{meeting_pk}")
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
    case = _case_for_export(request, pk, access.Action.READ, detail=f"invitation_pdf:{meeting_pk}")
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
