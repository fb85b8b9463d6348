"""A few made-up cases for the demo, created through the real services so they look as real
ones do: relay log, deadlines, meetings, measures. All names are invented."""

import datetime as dt

from django.utils import timezone

from bts.models import Service, User
from cases import services
from cases.models import Case, RelayEntry


def _back_date(case: Case, days: int) -> None:
    """Move a demo case's history back in time, so deadlines and the log look lived-in."""
    shift = dt.timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(opened_at=case.opened_at - shift)
    for entry in case.relay_entries.all():
        RelayEntry.objects.filter(pk=entry.pk).update(at=entry.at - shift)
    if case.decision_due:
        Case.objects.filter(pk=case.pk).update(decision_due=case.decision_due - shift)


def _open(
    user: User,
    service: Service,
    first: str,
    last: str,
    born: dt.date,
    seen: str,
    where: str,
    worry: int,
) -> Case:
    child = services.child_create(
        user=user,
        child=services.ChildData(first, last, born),
        guardians=[
            services.GuardianData(f"Anne {last}", "mor"),
            services.GuardianData(f"Tor {last}", "far"),
        ],
    )
    return services.case_open(
        user=user,
        service=service,
        child=child,
        concern=services.ConcernData(
            observation=seen, observed_on=timezone.localdate(), setting=where, worry=worry
        ),
    )


def create_demo_cases(users: dict[str, User], service: dict[str, Service]) -> int:
    ansatt, leder, rektor = users["ansatt"], users["leder"], users["rektor"]
    kindergarten, school = service["Solsikken barnehage"], service["Eikebakken skole"]
    health = service["Helsestasjon og skolehelsetjeneste"]
    today = timezone.localdate()

    # Nivå 0, a few days in, being concretised.
    emma = _open(
        ansatt,
        kindergarten,
        "Emma",
        "Solberg",
        dt.date(2021, 5, 3),
        "Emma har kommet uten matpakke fire dager denne uka og sier hun er sulten.",
        "Ved lunsj på avdelingen",
        2,
    )
    services.step_complete(case=emma, user=ansatt, step_code="0.1", summary="")
    _back_date(emma, 5)

    # Nivå 0 past its 14-day decision: "bekymring i skuffen" is what this model prevents.
    ali = _open(
        ansatt,
        kindergarten,
        "Ali",
        "Haugen",
        dt.date(2020, 11, 19),
        "Ali trekker seg unna i frilek og har sluttet å prate med de andre barna.",
        "Frilek ute",
        1,
    )
    _back_date(ali, 17)

    # Nivå 1 with a collaboration meeting, its minutes and two measures.
    jonas = _open(
        ansatt,
        kindergarten,
        "Jonas",
        "Berntsen",
        dt.date(2020, 2, 11),
        "Jonas slår når han blir frustrert, flere ganger om dagen de siste ukene.",
        "I garderoben og ved overganger",
        3,
    )
    for code in ("0.1", "0.2", "0.3"):
        services.step_complete(case=jonas, user=ansatt, step_code=code, summary="")
    services.case_decide(
        case=jonas,
        user=leder,
        to_level=1,
        reason="Vedvarende uro; vi setter inn tiltak sammen med foresatte.",
        child_view="Jonas sier han blir sint når han ikke får være med.",
    )
    meeting = services.meeting_invite(
        case=jonas,
        user=ansatt,
        kind="samarbeidsmote",
        starts_at=timezone.now() - dt.timedelta(days=10),
        place="Solsikken barnehage",
        agenda="Felles forståelse, mål og tiltak",
        participants=[ansatt, leder],
        participant_services=[kindergarten],
        other_participants="Anne og Tor Berntsen",
    )
    services.minutes_save(
        meeting=meeting,
        user=ansatt,
        version=0,
        data={
            "present": "Anne og Tor Berntsen, Ingrid Berg, Marius Dahl",
            "child_voice": "Jonas vil gjerne ha en voksen å gå til når han blir sint.",
            "shared_understanding": "Uroen kommer ved overganger og når leken blir avbrutt.",
            "measures_agreed": "Fast voksen ved overganger; bildestøtte for dagsrytmen.",
            "responsibilities": "Barnehagen gjennomfører; foresatte bruker samme bilder hjemme.",
            "time_frame": "Seks uker",
            "effect_judgement": "Færre slag per uke, registrert av pedagogisk leder.",
            "next_meeting": "Evalueringsmøte om seks uker",
        },
    )
    services.measure_add(
        case=jonas,
        user=ansatt,
        description="Fast voksen ved overganger",
        goal="Færre enn to episoder per uke",
        location="Barnehagen",
        responsible_service=kindergarten,
        responsible_person=ansatt,
        starts_on=today - dt.timedelta(days=9),
        evaluation_due=today - dt.timedelta(days=1),
    )
    services.measure_add(
        case=jonas,
        user=ansatt,
        description="Bildestøtte for dagsrytmen",
        goal="Jonas viser selv neste aktivitet på tavla",
        location="Barnehagen og hjemme",
        responsible_service=kindergarten,
        responsible_person=ansatt,
        starts_on=today - dt.timedelta(days=9),
        evaluation_due=today + dt.timedelta(days=30),
    )

    # Nivå 2 at the school, with the health station in under consent.
    sara = _open(
        rektor,
        school,
        "Sara",
        "Lunde",
        dt.date(2014, 8, 30),
        "Sara har hatt 11 dager fravær denne måneden og sovner i timene.",
        "Klasserommet, 5. trinn",
        3,
    )
    for code in ("0.1", "0.2", "0.3"):
        services.step_complete(case=sara, user=rektor, step_code=code, summary="")
    services.case_decide(case=sara, user=rektor, to_level=1, reason="Fraværet må følges opp.")
    services.consent_record(
        case=sara,
        user=rektor,
        services=[health],
        guardians=list(sara.child.guardians.all()),
        information=["wellbeing", "health"],
        form="written",
        purpose="Samarbeid om Saras søvn og skolehverdag",
        given_on=today - dt.timedelta(days=3),
    )
    services.service_involve(case=sara, user=rektor, service=health)
    for code in ("1.1", "1.2", "1.3"):
        services.step_complete(case=sara, user=rektor, step_code=code, summary="")
    services.case_decide(
        case=sara,
        user=rektor,
        to_level=2,
        reason="Helsesykepleier trengs for å se på søvn og helse.",
    )
    services.coordination_set(
        case=sara, user=rektor, service=school, reason="Skolen ser Sara hver dag."
    )
    return 4
