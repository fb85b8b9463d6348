"""A few made-up cases for the demo, walked through the guide in use by the demo users with the
real services (devdata.journey), so they look as real ones do: relay log, deadlines, meetings,
measures, decisions. The stories say how far each case has come; the guide says which steps,
meeting kinds and decisions that takes. All names are invented."""

import datetime as dt

from django.utils import timezone

from bts.models import Service, User
from cases import services
from cases.models import Case, Evaluation, RelayEntry
from devdata.demo_identity import guardian_number, identity_number
from devdata.journey import ConsentText, EvaluationText, MeasureText, MeetingText, Story, Walk
from levels import rules
from levels.selectors import active_guide
from levels.words import current_words


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
    *,
    parents: tuple[str, str] = ("Anne", "Tor"),
    own_number: bool = False,
    protected: bool = False,
    stepparent: str = "",
) -> Case:
    """A child of the service's host municipality, with two parents, and its undring; with
    `own_number`, the child's own synthetic identity number (a young person who signs in to
    their case with ID-porten). `protected`: the child and its mother live at a strictly
    confidential address; `stepparent`: a step-parent without parental responsibility."""
    number = identity_number(f"{first} {last}", born) if own_number else ""
    guardians = [
        services.GuardianData(
            f"{parent} {last}",
            relation,
            national_id=guardian_number(f"{parent} {last}"),
            address_protected=protected and relation == "mor",
        )
        for parent, relation in zip(parents, ("mor", "far"), strict=True)
    ]
    if stepparent:
        guardians.append(
            services.GuardianData(
                f"{stepparent} {last}",
                "stefar",
                has_parental_responsibility=False,
                national_id=guardian_number(f"{stepparent} {last}"),
            )
        )
    child = services.child_create(
        user=user,
        child=services.ChildData(first, last, born, number, address_protected=protected),
        municipality=service.municipality,
        guardians=guardians,
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
    guide, words = active_guide(), current_words()
    table = rules.table(guide)

    # A few days in, being concretised: the first step of the guide done.
    emma = _open(
        ansatt,
        kindergarten,
        "Emma",
        "Solberg",
        dt.date(2021, 5, 3),
        "Emma har kommet uten matpakke fire dager denne uka og sier hun er sulten.",
        "Ved lunsj på avdelingen",
        2,
        stepparent="Ola",
    )
    Walk(
        emma, ansatt, Story("Emma sier hun er sulten om formiddagen.", "Solsikken barnehage")
    ).do_step()
    _back_date(emma, 5)
    # Consent asked on the family's page: active once both Anne and Tor have given it there.
    services.consent_request(
        case=emma,
        user=ansatt,
        services=[health],
        information=["wellbeing", "health"],
        purpose="Samarbeid med helsestasjonen om Emmas matpakke, måltider og vekst.",
    )

    # Past the guide's deadline for the first decision: "bekymring i skuffen" is what this model
    # prevents.
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
    _back_date(ali, guide.level0_decision_days + 3)

    # One level up, with a collaboration meeting, its minutes and two measures, one of them due
    # for evaluation. Where the guide has the leader take the decision, the styrer confirms.
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
    walk = Walk(
        jonas,
        ansatt,
        Story(
            "Jonas sier han blir sint når han ikke får være med.",
            "Solsikken barnehage",
            partner=health,
        ),
        leader=leder,
    )
    walk.rise("Vedvarende uro; vi setter inn tiltak sammen med foresatte.")
    walk.hold_meeting(
        MeetingText(
            place="Solsikken barnehage",
            agenda="Felles forståelse, mål og tiltak",
            other_participants="Anne og Tor Berntsen",
            days_ago=10,
            minutes={
                "present": "Anne og Tor Berntsen, Ingrid Berg, Marius Dahl",
                "child_voice": "Jonas vil gjerne ha en voksen å gå til når han blir sint.",
                "concern": f"{words.Concern_definite} gjelder slag når Jonas blir frustrert.",
                "shared_understanding": "Uroen kommer ved overganger og når leken blir avbrutt.",
                "measures_agreed": "Fast voksen ved overganger; bildestøtte for dagsrytmen.",
                "responsibilities": "Barnehagen gjennomfører; foresatte bruker samme bilder "
                "hjemme.",
                "time_frame": "Seks uker",
                "effect_judgement": "Færre slag per uke, registrert av pedagogisk leder.",
                "next_meeting": "Evalueringsmøte om seks uker",
            },
        )
    )
    walk.add_measure(
        MeasureText(
            description="Fast voksen ved overganger",
            goal="Færre enn to episoder per uke",
            location="Barnehagen",
            started_days_ago=9,
            evaluation_in_days=-1,
        )
    )
    walk.add_measure(
        MeasureText(
            description="Bildestøtte for dagsrytmen",
            goal="Jonas viser selv neste aktivitet på tavla",
            location="Barnehagen og hjemme",
            started_days_ago=9,
            evaluation_in_days=30,
        )
    )
    walk.until_needed("evaluation")
    # The referat of the meeting, shared with the family: on their page as a PDF.
    for meeting in jonas.meetings.filter(minutes__isnull=False):
        services.minutes_share(meeting=meeting, user=ansatt)

    # Two levels up at the school, with the health station in under consent (from wherever
    # the guide asks for it), and the school coordinating.
    sara = _open(
        rektor,
        school,
        "Sara",
        "Lunde",
        dt.date(2010, 8, 30),
        "Sara har hatt 11 dager fravær denne måneden og sovner i timene.",
        "Klasserommet, 10. trinn",
        3,
        own_number=True,
    )
    walk = Walk(
        sara,
        rektor,
        Story(
            "Sara sier hun ligger våken om kveldene og gruer seg til morgenen.",
            "Eikebakken skole",
            partner=health,
            consent=ConsentText(
                purpose="Samarbeid om Saras søvn og skolehverdag",
                information=("wellbeing", "health"),
            ),
            measure=MeasureText(
                description="Rolig oppstart: Sara møter kontaktlærer kl. 08.15 hver dag",
                goal="Fravær under fem dager neste måned",
                location="Eikebakken skole",
            ),
        ),
        leader=rektor,
    )
    walk.rise("Fraværet må følges opp.")
    walk.rise("Helsesykepleier trengs for å se på søvn og helse.")
    walk.bring_in_partner()
    services.coordination_set(
        case=sara, user=rektor, service=school, reason="Skolen ser Sara hver dag."
    )

    # Followed up one level up until the measures worked, then closed through the guide's
    # closing step (on the first level above that has one, where the guide has closing steps).
    maja = _open(
        ansatt,
        kindergarten,
        "Maja",
        "Eriksen",
        dt.date(2019, 9, 14),
        "Maja gråter lenge ved levering og holder seg fast i mor hver morgen.",
        "I garderoben ved levering",
        2,
    )
    walk = Walk(
        maja,
        ansatt,
        Story(
            "Maja sier hun liker å hjelpe til med frokosten.",
            "Solsikken barnehage",
            partner=health,
            measure=MeasureText(
                description="Maja får en fast oppgave ved frokosten når hun kommer",
                goal="Levering uten gråt fire av fem morgener",
                location="Avdelingen",
                started_days_ago=35,
            ),
            evaluation=EvaluationText(
                effect="Maja leverer uten gråt nesten hver morgen.",
                child_experience="Maja sier at frokostoppgaven er det beste hun vet.",
                guardians_view="Mor merker at morgenene hjemme også er roligere.",
                outcome=Evaluation.Outcome.END,
            ),
        ),
        leader=leder,
    )
    walk.rise(f"{words.Concern_definite} består; vi prøver tiltak sammen med foresatte.")
    above = [r for n, r in table.levels.items() if n > maja.level and r.closing_steps]
    while above and not walk.rule().closing_steps and walk.higher_level() is not None:
        walk.rise("Tiltakene har ikke virket nok ennå; vi trenger flere med.")
    walk.close(f"Tiltakene har virket, og {words.concern_definite} er besvart.")

    # Waiting for the leader: at the first level where the guide has the leader take the
    # decision, the holder has proposed the next move and the styrer has not answered yet.
    # (With a guide where the holder always decides, the case waits at its first decision.)
    noah = _open(
        ansatt,
        kindergarten,
        "Noah",
        "Lie",
        dt.date(2020, 6, 8),
        "Noah har vært stille og trøtt i flere uker og spiser lite.",
        "I samlingsstund og ved lunsj",
        2,
        protected=True,
    )
    walk = Walk(
        noah,
        ansatt,
        Story("Noah sier han er sliten.", "Solsikken barnehage", partner=health),
        leader=leder,
    )
    deciding = [n for n, r in sorted(table.levels.items()) if r.leader_decides]
    if deciding:
        while noah.level < deciding[0] and walk.higher_level() is not None:
            walk.rise(f"{words.Concern_definite} består, og vi går videre.")
        higher = walk.higher_level()
        walk.decide(
            higher if higher is not None else noah.level,
            f"{words.Concern_definite} består etter samtalen med foresatte; vi foreslår å gå "
            "videre.",
            confirm=False,
        )
    else:
        walk.to_decision()
    _back_date(noah, 3)

    return 6
