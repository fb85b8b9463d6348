"""A service refers its case at nivå 2–3 to familiehjelpa, from the case page."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bts.idempotency import create_once
from bts.models import Service, User
from cases import services as case_services
from cases.models import Case, RelayEntry
from levels.rules import levels_text, table
from levels.selectors import active_guide
from levels.words import current_words

from ..models import Inquiry, InquiryCase, InquiryEvent
from .common import State, bring_in, case_changed, history_add


def referral_levels() -> list[int]:
    """The levels a service's case may be referred to familiehjelpa from: where the guide has
    the case be collaboration with other services (its `collaboration_from_level` and up)."""
    guide = active_guide()
    if guide is None:
        return []
    rules = table(guide)
    return [n for n in sorted(rules.levels) if n >= rules.collaboration_from_level]


def case_refer(
    *,
    case: Case,
    user: User,
    service: Service | None,
    about: str,
    urgency: str = Inquiry.Urgency.NORMAL,
    idempotency_key: uuid.UUID | None = None,
) -> Inquiry:
    """A service refers its case at nivå 2–3 to familiehjelpa: familiehjelpa comes into the
    case under the family's consent (refused without it), and the inquiry lands on the team
    leader's board, already linked to the case. `service` is None when the municipality has no
    familiehjelpa in BTS."""
    if service is None:
        raise ValidationError(
            _("Kommunen har ingen familiehjelpa i %(product)s.") % current_words().as_dict()
        )
    if service.kind != Service.Kind.FAMILIEHJELPA:
        raise ValidationError(_("Velg familiehjelpa."))
    if not case.is_open:
        raise ValidationError(_("Saken er avsluttet."))
    levels = referral_levels()
    if case.level not in levels:
        raise ValidationError(
            _(
                "Saker på nivå %(levels)s kan henvises til familiehjelpa. "
                "Denne saken er på nivå %(n)s."
            )
            % {"levels": levels_text(levels), "n": case.level}
        )
    if case.owner_service_id == service.pk:
        raise ValidationError(_("Saken er allerede familiehjelpas."))
    if not about.strip():
        raise ValidationError({"about": _("Skriv hva familien og dere ønsker hjelp til.")})

    @transaction.atomic
    def create() -> Inquiry:
        open_referral = (
            Inquiry.objects.filter(service=service, links__case=case)
            .exclude(state=State.CLOSED)
            .first()
        )
        if open_referral:
            return open_referral
        try:
            bring_in(case, user, service)
        except case_services.ConsentMissing as exc:
            raise ValidationError(
                _(
                    "Familien må samtykke til samarbeid med familiehjelpa før saken kan "
                    "henvises. Registrer samtykket i saken først."
                )
            ) from exc
        inquiry = Inquiry.objects.create(
            service=service,
            channel=Inquiry.Channel.BTS,
            source=Inquiry.Source.SERVICE,
            referring_service=case.owner_service,
            caller_name=user.get_full_name() or user.username,
            caller_role=user.job_title,
            caller_phone=user.phone,
            caller_email=user.email,
            about=about.strip(),
            urgency=urgency,
            registered_by=user,
            idempotency_key=idempotency_key,
        )
        InquiryCase.objects.create(inquiry=inquiry, case=case, linked_by=user)
        history_add(
            inquiry,
            user,
            InquiryEvent.Kind.REGISTERED,
            _("Henvist i %(product)s fra %(service)s, sak %(case)s.")
            % {"service": case.owner_service.name, "case": case.pk, **current_words().as_dict()},
            to_state=State.NEW,
        )
        case_changed(case.pk, user, f"familiehjelpa:{inquiry.pk}")
        case_services.relay_entry_add(
            case=case,
            user=user,
            kind=RelayEntry.Kind.SERVICE_JOINED,
            text=_("Saken er henvist til %(service)s (henvendelse %(n)s).")
            % {"service": service.name, "n": inquiry.pk},
        )
        return inquiry

    inquiry, _created = create_once(Inquiry, key=idempotency_key, create=create)
    return inquiry
