"""Timing of the case documents made by `cases.documents`, on real case data.

    DJANGO_DEBUG=1 .venv/bin/python bench/documents.py [renders]

Inside a transaction that is rolled back at the end (the database is left as it was), it makes
a case through `cases.services` with a samarbeidsmøte whose referat fills three to four pages
(long Norwegian sections, as a real referat), and a closed case with 20 meetings and their
referat. It prints p50/p95 of the referat PDF over N renders after a warm-up with its page
count, and the time to make the archive package of the 20-meeting case (3 times).
"""

import os
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The demo database (make demo), unless DATABASE_URL names another.
from bts.localdb import use  # noqa: E402

use(ROOT, "persistent")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from bts.models import Role, Service, User  # noqa: E402
from bts.services import membership_grant  # noqa: E402
from cases import archive, documents, services  # noqa: E402
from cases.models import Meeting, Minutes  # noqa: E402
from levels.loader import load_guide  # noqa: E402
from levels.models import Step  # noqa: E402

PARAGRAPH = (
    "Barnehagen har over seks uker sett at Åse trekker seg unna i frilek, har vansker med "
    "overganger og virker sliten om morgenen. Foresatte forteller om en høst med flytting og "
    "urolig søvn, og om at Åse savner vennene fra den forrige barnehagen. Alle er enige om at "
    "trygghet om morgenen og forutsigbare overganger er det viktigste nå, og at Åses egen "
    "opplevelse skal høres hver uke. "
)


class Rollback(Exception):
    pass


def _user(name: str, role: Role, service: Service) -> User:
    user = User.objects.create_user(f"bench-{name}-{uuid.uuid4().hex[:6]}", first_name=name)
    membership_grant(user=user, role=role, service=service)
    return user


def _case(user: User, service: Service):
    child = services.child_create(
        user=user,
        child=services.ChildData("Åse", "Ødegård", date(2020, 3, 14)),
        guardians=[services.GuardianData("Kari Ødegård", "mor")],
    )
    return services.case_open(
        user=user,
        service=service,
        child=child,
        concern=services.ConcernData(PARAGRAPH, timezone.localdate(), "Garderoben", 2),
    )


def _meeting(case, user, days_ago: int, paragraphs: int) -> Meeting:
    meeting = services.meeting_invite(
        case=case,
        user=user,
        kind="samarbeidsmote",
        starts_at=timezone.now() - timedelta(days=days_ago),
        place="Møterommet, Solsikken barnehage",
        agenda="Hvordan har Åse det, og hva gjør vi sammen de neste fire ukene?",
        participants=[user],
        participant_services=[case.owner_service],
        other_participants="Kari Ødegård (mor)",
        idempotency_key=uuid.uuid4(),
    )
    text = PARAGRAPH * paragraphs
    services.minutes_save(
        meeting=meeting,
        user=user,
        data=dict.fromkeys(Minutes.SECTIONS, text),
        version=0,
    )
    return meeting


def timed(fn, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main(n: int) -> None:
    try:
        with transaction.atomic():
            load_guide(ROOT / "fixtures" / "veiledere" / "ovre-eiker.toml")
            service = Service.objects.create(name=f"Benk barnehage {uuid.uuid4().hex[:6]}")
            user = _user("Ingrid", Role.EMPLOYEE, service)
            case = _case(user, service)
            meeting = _meeting(case, user, 1, paragraphs=3)
            meeting = (
                Meeting.objects.select_related("minutes__updated_by", "invited_by")
                .prefetch_related("participants", "participant_services")
                .get(pk=meeting.pk)
            )
            pdf = documents.minutes_pdf(case, meeting)
            pages = len(PdfReader(BytesIO(pdf)).pages)
            timed(lambda: documents.minutes_pdf(case, meeting), 5)
            times = timed(lambda: documents.minutes_pdf(case, meeting), n)
            p95 = statistics.quantiles(times, n=20)[18] if n >= 20 else max(times)
            print(f"referat ({pages} sider): p50 {statistics.median(times):.0f} ms, "
                  f"p95 {p95:.0f} ms over {n}")  # fmt: skip

            big = _case(user, service)
            for i in range(20):
                _meeting(big, user, 40 - i, paragraphs=1)
            while not Step.objects.get(
                level__guide__is_active=True, code=big.step_code
            ).is_decision:
                big = services.step_complete(
                    case=big, user=user, step_code=big.step_code, summary=""
                )
            services.case_decide(case=big, user=user, to_level=None, reason="Avsluttet.")
            big.refresh_from_db()
            package_times = timed(lambda: archive.archive_package_make(case=big, user=user), 3)
            big.refresh_from_db()
            size = big.archive.size // 1024
            print(f"arkivpakke, 20 møter ({size} kB): {statistics.median(package_times):.0f} ms "
                  f"(median av 3)")  # fmt: skip
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
