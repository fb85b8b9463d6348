"""Consent: the guardians' (and by age the child's) answer to working with named services, its
withdrawal, and bringing a service into the case, which needs a consent that covers it."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bts import audit
from bts.forms import has_visible_text
from bts.idempotency import create_once
from bts.models import Service, User
from bts.uploads import CheckedUpload, store_upload
from levels.models import Guide

from .. import documents, family_notices, notifications
from ..events import CaseAudit
from ..models import Case, Consent, ConsentAnswer, Guardian, Involvement, RelayEntry
from ._common import _active_guide, _audit, _check_serve, _log, for_case_municipality
from .decisions import progress_advance


class ConsentMissing(Exception):
    """Bringing a service into a case needs an active consent that covers it."""


def child_consent_age(guide: Guide, information: list[str]) -> int:
    """From this age the child must consent too: the municipality's ages, the health one when
    health information is to be shared."""
    if Consent.Information.HEALTH in information:
        return guide.child_consent_age_health
    return guide.child_consent_age


def _consent_parties(
    case: Case,
    *,
    guardians: list[Guardian],
    child_consented: bool,
    others: str,
    given_on: date,
    information: list[str],
    refused: bool,
) -> str:
    """Check who gave (or refused) the consent against the child's guardians and age; return
    them as one line. Raises ValidationError keyed by field."""
    child = case.child
    if any(g.child_id != child.pk or not g.has_parental_responsibility for g in guardians):
        raise ValidationError(
            {"guardians": _("Bare barnets foresatte med foreldreansvar kan samtykke.")}
        )
    if not (guardians or child_consented or others.strip()):
        raise ValidationError({"guardians": _("Velg hvem som samtykker.")})
    age = child.age_on(given_on)
    if not refused:
        # Everyone with parental responsibility consents for a minor; from the municipality's
        # age the child consents too, and an adult (18–24) alone.
        responsible = [g for g in child.guardians.all() if g.has_parental_responsibility]
        missing = [g.name for g in responsible if g not in guardians]
        if missing and (age is None or age < 18):
            raise ValidationError(
                {
                    "guardians": _(
                        "Alle med foreldreansvar må samtykke. Mangler: %(names)s. Hvis en av "
                        "dem sier nei, registrer det som et avslag."
                    )
                    % {"names": ", ".join(missing)}
                }
            )
        threshold = child_consent_age(_active_guide(), information)
        if age is not None and age >= threshold and not child_consented:
            raise ValidationError(
                {
                    "child_consented": _(
                        "%(child)s er %(age)s år. Fra %(threshold)s år må barnet selv samtykke."
                    )
                    % {"child": child.first_name, "age": age, "threshold": threshold}
                }
            )
    names = [f"{g.name} ({g.relation})" if g.relation else g.name for g in guardians]
    if child_consented:
        names.append(_("%(child)s (barnet)") % {"child": child.first_name})
    if others.strip():
        names.append(others.strip())
    return ", ".join(names)[:300]


@for_case_municipality
def consent_record(
    *,
    case: Case,
    user: User,
    services: list[Service],
    form: str,
    purpose: str,
    given_on: date,
    guardians: list[Guardian] = (),
    child_consented: bool = False,
    others: str = "",
    information: list[str] = (),
    information_other: str = "",
    oral_note: str = "",
    document: CheckedUpload | None = None,
    expires_on: date | None = None,
    refused: bool = False,
    idempotency_key: uuid.UUID | None = None,
    audited: bool = True,
) -> Consent:
    """Record the answer to a request for consent: given by the guardians with parental
    responsibility (and the child by age) to the named services, or refused.

    A written consent keeps the signed form (checked by `bts.uploads`); an oral one a note of
    who received it and what was explained. `audited=False`: familiehjelpa records consent as
    one step of its own action, which writes the event."""
    if form == Consent.Form.ORAL and not oral_note.strip():
        raise ValidationError(
            {"oral_note": _("Skriv hvem som fikk samtykket, når, og hva som ble forklart.")}
        )
    if not services:
        raise ValidationError({"services": _("Velg minst én tjeneste.")})
    _check_serve(case, services, field="services")
    if not refused and not (information or information_other.strip()):
        raise ValidationError({"information": _("Velg hvilke opplysninger som kan deles.")})
    guardians = list(guardians)
    given_by = _consent_parties(
        case,
        guardians=guardians,
        child_consented=child_consented,
        others=others,
        given_on=given_on,
        information=list(information),
        refused=refused,
    )

    @transaction.atomic
    def create() -> Consent:
        consent = Consent.objects.create(
            refused=refused,
            case=case,
            given_by=given_by,
            child_consented=child_consented,
            information=sorted(set(information)),
            information_other=information_other.strip(),
            form=form,
            oral_note=oral_note.strip() if form == Consent.Form.ORAL else "",
            document=store_upload(document, user=user) if document else None,
            purpose=purpose.strip(),
            given_on=given_on,
            expires_on=expires_on,
            recorded_by=user,
            idempotency_key=idempotency_key,
        )
        consent.services.set(services)
        consent.guardians.set(guardians)
        names = ", ".join(sorted(s.name for s in services))
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.CONSENT,
            text=(
                _("%(who)s har ikke gitt samtykke til samarbeid med: %(names)s.")
                if refused
                else _("Samtykke fra %(who)s (%(form)s) til samarbeid med: %(names)s.")
            )
            % {"who": consent.given_by, "form": consent.get_form_display().lower(), "names": names},
        )
        progress_advance(case=case, user=user)
        if audited:
            _audit(user=user, case=case, detail="consent")
        return consent

    consent, _created = create_once(Consent, key=idempotency_key, create=create)
    return consent


@for_case_municipality
@transaction.atomic
def consent_withdraw(
    *, case: Case, consent: Consent, user: User, withdrawn_on: date, how: str
) -> Consent:
    """Guardians withdraw a consent: the services it covered lose access to what comes after,
    at once (unless another active consent covers them); what happened stays in the log."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk, case=case)
    if consent.withdrawn_on or consent.refused:
        return consent
    if not has_visible_text(how):
        raise ValidationError(_("Skriv hvordan samtykket ble trukket tilbake."))
    if withdrawn_on < consent.given_on:
        raise ValidationError(_("Datoen kan ikke være før samtykket ble gitt."))
    # A digital request still waiting is withdrawn (ended) the same way: it takes no answers.
    consent.withdrawn_on, consent.withdrawn_how, consent.withdrawn_by = (
        withdrawn_on,
        how.strip(),
        user,
    )
    consent.pending = False
    consent.save(update_fields=["withdrawn_on", "withdrawn_how", "withdrawn_by", "pending"])
    names = ", ".join(sorted(s.name for s in consent.services.all()))
    _log(
        case,
        actor=user,
        kind=RelayEntry.Kind.CONSENT,
        text=_("%(who)s trakk tilbake samtykket %(date)s (%(how)s). Gjaldt: %(names)s.")
        % {
            "who": consent.given_by,
            "date": f"{withdrawn_on:%d.%m.%Y}",
            "how": consent.withdrawn_how,
            "names": names,
        },
    )
    _audit(user=user, case=case, detail="consent_withdraw")
    return consent


@for_case_municipality
@transaction.atomic
def service_involve(
    *, case: Case, user: User, service: Service, audited: bool = True
) -> Involvement:
    """Bring another service into the case; refused unless an active consent covers it.
    `audited` as for `consent_record`."""
    if service.pk == case.owner_service_id:
        raise ValidationError(_("Tjenesten eier allerede saken."))
    _check_serve(case, [service])
    # Two clicks at once must not both pass the check below.
    Case.objects.select_for_update().filter(pk=case.pk).get()
    consent = (
        case.consents.filter(Consent.active_q(), services=service).order_by("-given_on").first()
    )
    if consent is None:
        raise ConsentMissing(
            _(
                "%(service)s kan ikke tas med i saken før foresatte har gitt samtykke som "
                "omfatter tjenesten. Registrer samtykket først."
            )
            % {"service": service.name}
        )
    existing = case.involvements.filter(service=service).first()
    if existing:
        return existing
    involvement = Involvement.objects.create(
        case=case, service=service, consent=consent, added_by=user
    )
    _log(
        case,
        actor=user,
        kind=RelayEntry.Kind.SERVICE_JOINED,
        text=_("%(service)s er med i saken.") % {"service": service.name},
    )
    if audited:
        _audit(user=user, case=case, detail="involve")
    return involvement


@dataclass(frozen=True)
class ConsentParty:
    """Someone whose answer a consent needs: a guardian with parental responsibility, or the
    child (guardian None) from the municipality's consent age, or alone from 18."""

    guardian: Guardian | None
    name: str

    @property
    def by_child(self) -> bool:
        return self.guardian is None


def consent_parties(case: Case, information: list[str]) -> list[ConsentParty]:
    """Who must give a consent for it to be active, by the rules `_consent_parties` checks a
    recorded consent against."""
    child = case.child
    age = child.age_on(timezone.localdate())
    parties = []
    if age is None or age < 18:
        parties = [
            ConsentParty(g, g.name) for g in child.guardians.all() if g.has_parental_responsibility
        ]
    if age is not None and age >= child_consent_age(_active_guide(), information):
        parties.append(ConsentParty(None, child.first_name))
    return parties


def reaches_family_page(case: Case, party: ConsentParty) -> bool:
    """Whether this party can sign in and answer on the family's page: known by a national
    identity number, and (for a guardian) not kept out by the child's protected address."""
    if party.by_child:
        return bool(case.child.national_id)
    guardian = party.guardian
    if not guardian.national_id:
        return False
    return guardian.address_protected or not case.child.address_protected


@for_case_municipality
def consent_request(
    *,
    case: Case,
    user: User,
    services: list[Service],
    purpose: str,
    information: list[str] = (),
    information_other: str = "",
    expires_on: date | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Consent:
    """Ask for consent on the family's page: each party (`consent_parties`) reads it there in
    their language and gives or refuses it (`consent_answer`); it is active once all have given
    it. The text is kept as the municipality wrote it (bokmål or nynorsk): what is authoritative.
    Refused while someone required cannot use the family's page (then: paper or oral)."""
    if not services:
        raise ValidationError({"services": _("Velg minst én tjeneste.")})
    _check_serve(case, services, field="services")
    if not (information or has_visible_text(information_other)):
        raise ValidationError({"information": _("Velg hvilke opplysninger som kan deles.")})
    if not has_visible_text(purpose):
        raise ValidationError({"purpose": _("Skriv formålet.")})
    parties = consent_parties(case, list(information))
    if not parties:
        raise ValidationError(
            {"services": _("Barnet har ingen foresatte med foreldreansvar registrert.")}
        )
    unreachable = [p.name for p in parties if not reaches_family_page(case, p)]
    if unreachable:
        raise ValidationError(
            {
                "services": _(
                    "%(names)s kan ikke svare på familiens side (uten fødselsnummer i saken, "
                    "eller holdt utenfor av strengt fortrolig adresse). Bruk samtykkeskjemaet "
                    "eller muntlig samtykke."
                )
                % {"names": ", ".join(unreachable)}
            }
        )
    request = documents.ConsentRequest(
        services=sorted(services, key=lambda s: s.name),
        information=sorted(set(information)),
        information_other=information_other.strip(),
        purpose=purpose.strip(),
        expires_on=expires_on,
    )

    @transaction.atomic
    def create() -> Consent:
        consent = Consent.objects.create(
            case=case,
            pending=True,
            form=Consent.Form.DIGITAL,
            given_by="",
            information=request.information,
            information_other=request.information_other,
            purpose=request.purpose,
            text=documents.consent_text(case, request),
            given_on=timezone.localdate(),
            expires_on=expires_on,
            recorded_by=user,
            idempotency_key=idempotency_key,
        )
        consent.services.set(services)
        _log(
            case,
            actor=user,
            kind=RelayEntry.Kind.CONSENT,
            text=_("Ba om samtykke på familiens side fra %(who)s til samarbeid med: %(names)s.")
            % {
                "who": ", ".join(p.name for p in parties),
                "names": ", ".join(s.name for s in request.services),
            },
        )
        _audit(user=user, case=case, detail="consent_request")
        family_notices.family_notice(case)
        return consent

    consent, _created = create_once(Consent, key=idempotency_key, create=create)
    return consent


class ConsentClosed(Exception):
    """The consent takes no more answers: it is already refused, withdrawn or expired."""


@for_case_municipality
@transaction.atomic
def consent_answer(
    *,
    case: Case,
    consent: Consent,
    party: ConsentParty,
    answer: str,
    assurance: str,
    language: str,
    text_shown: str,
    who: str,
    idempotency_key: uuid.UUID | None = None,
) -> ConsentAnswer:
    """One party's digital answer. A refusal ends the request (never active); the last party's
    consent makes it active, as given by all of them. Locks the consent, so two guardians
    answering at once, or an answer racing a withdrawal, are taken one after the other: a
    withdrawn consent stays withdrawn. The same party answering twice is recorded once."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk, case=case)
    if idempotency_key is not None:
        sent = ConsentAnswer.objects.filter(idempotency_key=idempotency_key).first()
        if sent is not None and sent.consent_id == consent.pk:
            return sent  # the same form sent twice
        if sent is not None:
            raise ConsentClosed(_("Svaret kom ikke fram. Last siden på nytt, og svar igjen."))
    mine = consent.answers.filter(
        by_child=party.by_child,
        **({} if party.by_child else {"guardian": party.guardian}),
    ).first()
    if mine is not None and mine.answer == answer:
        return mine
    if mine is not None:
        raise ConsentClosed(
            _(
                "Du har allerede svart «%(answer)s». Vil du ikke lenger samtykke, trekk "
                "samtykket tilbake."
            )
            % {"answer": mine.get_answer_display().lower()}
        )
    if not consent.takes_answers:
        raise ConsentClosed(_("Samtykket kan ikke lenger besvares: det er avsluttet."))
    parties = consent_parties(case, list(consent.information))
    if party not in parties:
        raise ConsentClosed(_("Du er ikke blant dem som skal svare på dette samtykket."))
    made = ConsentAnswer.objects.create(
        consent=consent,
        guardian=party.guardian,
        by_child=party.by_child,
        name=party.name,
        answer=answer,
        assurance=assurance[:40],
        language=language[:8],
        text_shown=text_shown,
        idempotency_key=idempotency_key,
    )
    names = ", ".join(s.name for s in consent.services.order_by("name"))
    if answer == ConsentAnswer.Answer.REFUSED:
        consent.pending, consent.refused = False, True
        consent.given_by = party.name
        consent.save(update_fields=["pending", "refused", "given_by"])
        text = _("%(who)s samtykker ikke til samarbeid med: %(names)s (svart på familiens side).")
        _log(
            case,
            actor=None,
            by_family=party.name,
            kind=RelayEntry.Kind.CONSENT,
            text=text % {"who": party.name, "names": names},
        )
    else:
        given = {(a.guardian_id, a.by_child) for a in consent.answers.all()}
        waiting = [
            p.name
            for p in parties
            if (p.guardian.pk if p.guardian else None, p.by_child) not in given
        ]
        if waiting:
            text = _("%(who)s samtykker. Venter på svar fra %(waiting)s.") % {
                "who": party.name,
                "waiting": ", ".join(waiting),
            }
        else:
            consent.pending = False
            consent.given_on = timezone.localdate()
            consent.given_by = ", ".join(p.name for p in parties)[:300]
            consent.child_consented = any(p.by_child for p in parties)
            consent.save(update_fields=["pending", "given_on", "given_by", "child_consented"])
            consent.guardians.set([p.guardian for p in parties if p.guardian])
            text = _("Samtykke fra %(who)s (digitalt) til samarbeid med: %(names)s.") % {
                "who": consent.given_by,
                "names": names,
            }
        _log(case, actor=None, by_family=party.name, kind=RelayEntry.Kind.CONSENT, text=text)
        if not waiting:
            # The step passes on the request of the one who asked for the consent.
            progress_advance(case=case, user=consent.recorded_by)
    audit.record(kind=CaseAudit.CASE_CHANGED, case_id=case.pk, detail=f"consent_answer;{who}"[:120])
    notifications.family_wrote(case)
    return made


@for_case_municipality
@transaction.atomic
def consent_withdraw_by_family(
    *, case: Case, consent: Consent, party: ConsentParty, who: str
) -> Consent:
    """A party withdraws a consent they gave, on the family's page: as `consent_withdraw`, the
    services lose access from the next request. Waiting for the others, or active: either way
    it is withdrawn, and stays so."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk, case=case)
    if consent.withdrawn_on or consent.refused:
        return consent
    consent.withdrawn_on = timezone.localdate()
    consent.withdrawn_how = (_("av %(name)s på familiens side") % {"name": party.name})[:300]
    consent.pending = False
    consent.save(update_fields=["withdrawn_on", "withdrawn_how", "pending"])
    names = ", ".join(s.name for s in consent.services.order_by("name"))
    _log(
        case,
        actor=None,
        by_family=party.name,
        kind=RelayEntry.Kind.CONSENT,
        text=_("%(who)s trakk tilbake samtykket på familiens side. Gjaldt: %(names)s.")
        % {"who": party.name, "names": names},
    )
    audit.record(
        kind=CaseAudit.CASE_CHANGED, case_id=case.pk, detail=f"consent_withdraw;{who}"[:120]
    )
    notifications.family_wrote(case)
    return consent
