"""Fjordvik's demo cases, in nynorsk as Fjordvik's guide is, walked through that guide by
Fjordvik's own staff: one case just begun, one where the PP-teneste it shares with the demo's
first municipality takes part (its adviser is at the meetings), and one reported to the shared
barnevern. All names are invented."""

import datetime as dt

from django.utils import timezone

from bts.models import Service, User
from cases import services
from cases.models import Case
from devdata.journey import ConsentText, MeasureText, MeetingText, Story, Walk
from levels.language import municipality_language

from ._demo_cases import _back_date
from ._demo_cases import _open as open_case


def _open(user: User, service: Service, first: str, last: str, born: dt.date, seen: str) -> Case:
    return open_case(
        user, service, first, last, born, seen, "I barnehagen", 2, parents=("Kari", "Jon")
    )


def create_fjordvik_cases(users: dict[str, User], service: dict[str, Service]) -> int:
    staff, leader = users["fjordvik-tilsett"], users["fjordvik-leiar"]
    kindergarten = service["Fjordvik barnehage"]
    ppt, child_protection = service["PP-tjenesten"], service["Barneverntjenesten"]
    with municipality_language(kindergarten.municipality_id):
        lea = _open(
            staff,
            kindergarten,
            "Lea",
            "Hauge",
            dt.date(2021, 3, 2),
            "Lea har slutta å leike med dei andre borna og et lite til lunsj.",
        )
        Walk(lea, staff, Story("Lea seier ho er trøytt.", "Fjordvik barnehage")).do_step()
        _back_date(lea, 4)

        amund = _open(
            staff,
            kindergarten,
            "Amund",
            "Tveit",
            dt.date(2019, 10, 12),
            "Amund har vanskar med å følgje beskjedar i samling og blir fort frustrert.",
        )
        walk = Walk(
            amund,
            staff,
            Story(
                "Amund seier det er vanskeleg å vite kva som skal skje.",
                "Fjordvik barnehage",
                partner=ppt,
                consent=ConsentText(purpose="Samarbeid med PP-tenesta om språk og merksemd"),
                meeting=MeetingText(
                    place="Fjordvik barnehage",
                    agenda="Felles forståing, mål og tiltak",
                    other_participants="Kari og Jon Tveit",
                    minutes={
                        "present": "Kari og Jon Tveit, Sigrid Nes, Eva Strand (PP-tenesta)",
                        "child_voice": "Amund vil gjerne ha bilete som viser dagen.",
                        "concern": "Uroa gjeld beskjedar i samling og overgangar.",
                        "shared_understanding": "Amund treng meir støtte til å forstå "
                        "rekkjefølgja i dagen.",
                        "measures_agreed": "Dagtavle med bilete; PP-tenesta observerer i samling.",
                        "responsibilities": "Barnehagen lagar dagtavla; PP-tenesta observerer.",
                        "time_frame": "Seks veker",
                        "effect_judgement": "Færre avbrot i samling, registrert av "
                        "pedagogisk leiar.",
                        "next_meeting": "Evalueringsmøte om seks veker",
                    },
                ),
                measure=MeasureText(
                    description="Dagtavle med bilete",
                    goal="Amund viser sjølv neste aktivitet på tavla",
                    location="Fjordvik barnehage",
                ),
            ),
            leader=leader,
        )
        walk.rise("Uroa held fram; vi tek PP-tenesta med i samarbeidet.")
        walk.bring_in_partner()
        # With the PP-teneste in the case, its adviser is at the next meeting.
        walk.story.invited = (users["ppt"],)
        walk.hold_meeting()

        services.case_open_with_report(
            user=staff,
            service=kindergarten,
            child=services.ChildData("Nora", "Sæle", dt.date(2018, 1, 23)),
            municipality=kindergarten.municipality,
            reported_at=timezone.now() - dt.timedelta(days=2),
            channel="phone",
            reason="Nora fortel om slag heime. Meldt til barnevernet same dag.",
            received_by=child_protection,
        )
    return 3
