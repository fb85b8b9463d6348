"""A few made-up inquiries to familiehjelpa for the demo, made through the real services so the
board, the inquiry pages, DUKEN and the numbers look as they will. All names are invented."""

import datetime as dt

from django.utils import timezone

from bts.models import Service, User
from cases import services as case_services
from cases.models import Case
from familiehjelpa import services
from familiehjelpa.models import Inquiry

State = Inquiry.State


def _child(first: str, last: str, born: dt.date, *guardians: str) -> services.NewChild:
    return services.NewChild(
        child=case_services.ChildData(first, last, born),
        guardians=tuple(
            case_services.GuardianData(name, relation)
            for name, relation in zip(guardians, ("mor", "far"), strict=False)
        ),
    )


def create_demo_inquiries(users: dict[str, User], service: dict[str, Service]) -> int:
    lead, contact, rektor = users["familiehjelpa"], users["familiekontakt"], users["rektor"]
    fh, school = service["Familiehjelpa"], service["Eikebakken skole"]
    now = timezone.now()

    # A call from the school on the family's behalf, with the parents' oral consent: mapped,
    # a conversation with the family booked, DUKEN filled in, a family contact connected.
    nora = services.inquiry_register(
        user=lead,
        service=fh,
        received_at=now - dt.timedelta(days=9),
        channel=Inquiry.Channel.PHONE,
        source=Inquiry.Source.SERVICE,
        referring_service=school,
        caller=services.Caller("Hanne Lie", "rektor", "32 00 00 10"),
        about="Nora har vært mye borte fra skolen i høst. Foreldrene er slitne og ønsker "
        "hjelp til å se hva som kan gjøres, både hjemme og på skolen.",
        urgency=Inquiry.Urgency.SOON,
        child=_child("Nora", "Amundsen", dt.date(2013, 9, 2), "Kristin Amundsen", "Jon Amundsen"),
        consent=services.ConsentData(
            form="oral",
            information=("wellbeing", "family"),
            oral_note="Begge foreldrene samtykket i møte med rektor; formålet ble forklart.",
        ),
    )
    services.mapping_save(
        inquiry=nora,
        user=lead,
        version=0,
        first_contact_at=now - dt.timedelta(days=8),
        data={
            "family_situation": "Mor, far og to barn. Far har skiftarbeid.",
            "help_wanted": "Få Nora tilbake på skolen; hjelp til å samordne tjenestene.",
            "services_involved": "Skolen, helsesykepleier.",
            "child_voice": "Nora sier hun gruer seg til friminuttene.",
            "family_informed": True,
            "assessment": "Sammensatt; familien ønsker en familiekontakt.",
            "decision": "connect_now",
        },
    )
    services.conversation_book(
        inquiry=nora,
        user=lead,
        starts_at=timezone.localtime(now + dt.timedelta(days=2)).replace(
            hour=13, minute=0, second=0, microsecond=0
        ),
        place="Familiehjelpa, rådhuset",
        family_attendees="Kristin og Jon Amundsen, Nora",
        trusted_person="Nabo, Berit",
        invited_services=[school],
    )
    services.duken_save(
        inquiry=nora,
        user=lead,
        based_on=0,
        data={
            "plan_for": "Familien Amundsen",
            "held_on": timezone.localdate(),
            "present": "Kristin, Jon og Nora Amundsen; Berit (tillitsperson); Siri Haugen",
            "school": "Nora har vært borte 14 dager i høst.",
            "friends": "Savner bestevenninna som flyttet.",
            "home": "Morgenene er krevende.",
            "dreams": "At Nora gleder seg til skolen igjen.",
            "strengths": "Vi er gode til å holde sammen.",
            "difficulties": "Morgenene, og å vite hvem vi skal ringe.",
            "current_situation": "Nora er hjemme to-tre dager i uka.",
            "now": "Familiekontakten ringer skolen og avtaler et møte.",
            "short_term": "Nora er på skolen fire av fem dager.",
            "short_term_by": timezone.localdate() + dt.timedelta(days=30),
            "long_term": "Nora har en venn i klassen og trives.",
            "long_term_by": timezone.localdate() + dt.timedelta(days=150),
        },
    )
    services.family_contact_assign(
        inquiry=nora, user=lead, contact=contact, seen_state=State.CONVERSATION
    )

    # A mother calling herself: no consent needed; new on the board.
    services.inquiry_register(
        user=lead,
        service=fh,
        received_at=now - dt.timedelta(hours=3),
        channel=Inquiry.Channel.PHONE,
        source=Inquiry.Source.FAMILY,
        caller=services.Caller("Maria Olsen", "mor", "900 00 000"),
        about="Vi har nettopp flyttet hit, og sønnen min på 8 år har ikke fått noen venner. "
        "Jeg vet ikke hvem jeg skal spørre.",
    )

    # Sara's case at the school (nivå 2), referred to familiehjelpa from the case page once
    # her parents, and Sara herself (16), consented to familiehjelpa too.
    sara = Case.objects.filter(child__first_name="Sara", owner_service=school).first()
    referred = 0
    if sara is not None and sara.level in services.referral_levels():
        case_services.consent_record(
            case=sara,
            user=rektor,
            services=[fh],
            guardians=[g for g in sara.child.guardians.all() if g.has_parental_responsibility],
            information=["wellbeing", "health", "family"],
            child_consented=True,
            form="oral",
            oral_note="Foreldrene samtykket på telefon til rektor, Sara i samtale på skolen.",
            purpose="Koordinert hjelp fra familiehjelpa",
            given_on=timezone.localdate(),
        )
        services.case_refer(
            case=sara,
            user=rektor,
            service=fh,
            about="Saras søvn og fravær krever at flere tjenester jobber sammen. "
            "Familien ønsker en familiekontakt.",
        )
        referred = 1

    # Two anonymous drøftingstelefon calls: counted, nothing identifying stored.
    for days, topics in ((1, ["attendance"]), (6, ["parenting", "services"])):
        services.advice_call_record(
            user=contact if days == 1 else lead,
            service=fh,
            received_at=now - dt.timedelta(days=days),
            channel="phone",
            caller_kind="school" if days == 1 else "kindergarten",
            topics=topics,
            advice="Rådet å snakke med foreldrene først, og ringe igjen ved behov.",
        )
    return 2 + referred
