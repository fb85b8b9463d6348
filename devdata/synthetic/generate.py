"""seed_synthetic: services, staff, bench accounts and cases, written by COPY."""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from bts.models import Membership, Role, Service, User
from cases.models import (
    Case,
    CaseUserGrant,
    Child,
    ChildProtectionReport,
    Concern,
    Consent,
    Coordination,
    Decision,
    Evaluation,
    Guardian,
    Handover,
    Involvement,
    Measure,
    Meeting,
    Minutes,
    RelayEntry,
    Watch,
    WideCollaboration,
)
from levels.models import Guide, Step

from .families import _advice_calls, _inquiry
from .words import (
    ADULT_NAMES,
    FIRST_NAMES,
    KIND_OF_SERVICES,
    LAST_NAMES,
    NOTES,
    OBSERVATIONS,
    PLACE_NAMES,
    SETTINGS,
    YEARS,
)
from .writer import _Writer, synthetic_identity_number

LEVEL_SHARES = (0.45, 0.33, 0.16, 0.06)
# Accounts the benchmark logs in as: username -> (role, service kind). Password BENCH_PASSWORD,
# authenticator key BENCH_TOTP_KEY (hex, as django-otp stores it).
BENCH_USERS = {
    "bench-ansatt": (Role.EMPLOYEE, Service.Kind.KINDERGARTEN),
    "bench-leder": (Role.LEADER, Service.Kind.KINDERGARTEN),
    "bench-kommunalsjef": (Role.MUNICIPAL_LEADER, None),
    "bench-familiehjelpa": (Role.FAMILIEHJELPA_LEADER, Service.Kind.FAMILIEHJELPA),
}
BENCH_PASSWORD = "bench-passord-langt-nok"  # noqa: S105 - synthetic bench accounts only
BENCH_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key


@dataclass
class _Staff:
    service_id: int
    kind: str
    employees: list[int]
    leader: int


def seed_synthetic(*, cases: int, seed: int = 2026, now: datetime | None = None) -> dict:
    """Write `cases` synthetic cases (and the services, staff and bench accounts they need)."""
    guide = Guide.objects.filter(is_active=True).first()
    if guide is None:
        raise ValueError("Ingen handlingsveileder er lastet inn.")
    rng = random.Random(seed)  # noqa: S311 - made-up data, reproducible by its seed
    now = now or timezone.now()
    steps = defaultdict(list)
    for step in Step.objects.filter(level__guide=guide).order_by("level__number", "position"):
        steps[step.level.number].append(step)
    permission_id = Permission.objects.get(content_type__app_label="cases", codename="view_case").pk
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A bulk load of rows that are consistent by construction: foreign-key triggers
            # off for this transaction makes it several times faster. That needs a superuser
            # (the project's own server has one); without, it loads with the checks.
            cursor.execute("SET LOCAL synchronous_commit = off")
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError:
                pass
        writer = _Writer()
        staff = _services_and_staff(writer, rng, seed)
        counts = writer.flush()
        _bench_accounts(staff)
        for start in range(0, cases, 20000):
            batch = min(20000, cases - start)
            _cases(writer, rng, staff, steps, permission_id, batch, now)
            _advice_calls(writer, rng, staff, batch // 20, now)
            for name, n in writer.flush().items():
                counts[name] = counts.get(name, 0) + n
        # The dashboard's monthly figures, which the triggers off did not mark.
        from dashboards import figures

        figures.rebuild()
    return counts


def _services_and_staff(writer: _Writer, rng: random.Random, seed: int) -> dict[str, list[_Staff]]:
    staff: dict[str, list[_Staff]] = defaultdict(list)
    password = make_password(None)  # unusable: synthetic staff never log in
    names = iter(rng.sample(PLACE_NAMES * 3, len(PLACE_NAMES) * 3))
    tag = f"{seed:x}"
    for kind, count, per_service, _share in KIND_OF_SERVICES:
        label = Service.Kind(kind).label
        for i in range(count):
            place = next(names)
            suffix = f" {i + 1}" if count > 1 else ""
            service_id = writer.add(
                Service,
                name=f"{place} {label.lower()}{suffix} (syntetisk {tag})",
                kind=kind,
                provider=Service.Provider.PRIVATE if rng.random() < 0.15 else "public",
            )
            members = []
            for j in range(per_service + 1):
                user_id = writer.add(
                    User,
                    password=password,
                    username=f"syn-{tag}-{service_id}-{j}",
                    first_name=rng.choice(ADULT_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    email="",
                    date_joined=datetime(2020, 1, 1, tzinfo=UTC),
                    is_superuser=False,
                    is_staff=False,
                    is_active=True,
                )
                role = Role.LEADER if j == 0 else Role.EMPLOYEE
                if kind == Service.Kind.FAMILIEHJELPA:
                    role = Role.FAMILIEHJELPA_LEADER if j == 0 else Role.FAMILY_CONTACT
                writer.add(Membership, user_id=user_id, service_id=service_id, role=role)
                members.append(user_id)
            staff[kind].append(_Staff(service_id, kind, members[1:], members[0]))
    return staff


def _bench_accounts(staff: dict[str, list[_Staff]]) -> None:
    """The benchmark's own logins, each in the service that owns the most cases of its kind."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bts.services import membership_grant

    for username, (role, kind) in BENCH_USERS.items():
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={"first_name": username.split("-")[1].title(), "is_active": True},
        )
        user.set_password(BENCH_PASSWORD)
        user.save()
        service = None
        if kind is not None:
            first = staff[kind][0]  # the biggest service of its kind (see _owners)
            service = Service.objects.get(pk=first.service_id)
            # The bench employee takes the place of its first synthetic employee, and so holds
            # the cases that person would have held.
            if role == Role.EMPLOYEE:
                first.employees[0] = user.pk
        membership_grant(user=user, role=role, service=service)
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="Benk", key=BENCH_TOTP_KEY, confirmed=True)


def _owners(staff: dict[str, list[_Staff]]) -> tuple[list[_Staff], list[float]]:
    owners, weights = [], []
    for kind, count, _per, share in KIND_OF_SERVICES:
        if share:
            for s in staff[kind]:
                owners.append(s)
                # The first service of a kind is the bench's, and the biggest: twice the share.
                weights.append(share / count * (2 if s is staff[kind][0] else 1))
    return owners, weights


def _cases(writer, rng, staff, steps, permission_id, n, now) -> None:
    owners, weights = _owners(staff)
    collaborators = [s for kind in staff for s in staff[kind]]
    span = YEARS * 365
    for _ in range(n):
        owner = rng.choices(owners, weights)[0]
        holder = rng.choice(owner.employees)
        opened = now - timedelta(days=span * rng.random() ** 1.3, minutes=rng.randrange(1440))
        reached = rng.choices(range(4), LEVEL_SHARES)[0]
        age_days = (now - opened).days
        closed = rng.random() < (0.92 if age_days > 365 else 0.35 if age_days > 30 else 0.05)
        closed_at = None
        if closed:
            closed_at = min(now - timedelta(hours=1), opened + timedelta(days=rng.randint(20, 420)))
        end = closed_at or now

        born = (opened - timedelta(days=rng.randint(365, 16 * 365))).date()
        number = synthetic_identity_number(rng, born) if rng.random() < 0.7 else ""
        child_id = writer.add(
            Child,
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            birth_date=born,
            national_id=number,
            national_id_kind="syn" if number else "",
            created_at=opened,
            created_by_id=holder,
        )
        guardians = []
        for relation in ("mor", "far")[: rng.choice((1, 2, 2))]:
            guardians.append(
                writer.add(
                    Guardian,
                    child_id=child_id,
                    name=f"{rng.choice(ADULT_NAMES)} {rng.choice(LAST_NAMES)}",
                    relation=relation,
                    has_parental_responsibility=True,
                )
            )

        level = reached
        step = rng.choice(steps[level]).code if not closed else steps[level][-1].code
        # One case in ten was handed over (accepted): the giver follows it after.
        successor = rng.choice(owner.employees) if rng.random() < 0.10 else holder
        handed_over_at = opened + (end - opened) * rng.random()
        responsible = successor
        case_id = writer.add(
            Case,
            child_id=child_id,
            owner_service_id=owner.service_id,
            level=level,
            step_code=step,
            status=Case.Status.CLOSED if closed else Case.Status.OPEN,
            opened_at=opened,
            closed_at=closed_at,
            decision_due=(opened + timedelta(days=14)).date()
            if level == 0 and not closed
            else None,
            created_by_id=holder,
            responsible_id=responsible,
            last_activity_at=end,
            archive_sha256="",
        )
        participants = {holder}
        entries = rng.randint(10, 40)  # the relay log's length
        writer.add(
            Concern,
            case_id=case_id,
            observation=rng.choice(OBSERVATIONS),
            observed_on=opened.date(),
            setting=rng.choice(SETTINGS),
            worry=rng.randint(1, 4),
            created_by_id=holder,
            created_at=opened,
        )
        log = [(opened, "opened", 0, steps[0][0].code, "Undring registrert.", holder)]

        # Decisions up the levels, spread over the case's life, and the closing one.
        decided = sorted(opened + (end - opened) * rng.random() for _ in range(reached + closed))
        for i in range(reached):
            writer.add(
                Decision,
                case_id=case_id,
                from_level=i,
                to_level=i + 1,
                move="raise",
                step_code=steps[i][-1].code,
                reason="Bekymringen består, og vi går videre sammen med foresatte.",
                decided_by_id=holder,
                decided_at=decided[i],
            )
            log.append((decided[i], "decision", i, steps[i][-1].code, "Nivå opp.", holder))
        if closed:
            writer.add(
                Decision,
                case_id=case_id,
                from_level=reached,
                to_level=None,
                move="close",
                step_code=steps[reached][-1].code,
                reason="Tiltakene har virket. Saken avsluttes.",
                decided_by_id=holder,
                decided_at=decided[-1],
            )
            log.append((decided[-1], "decision", reached, step, "Saken er avsluttet.", holder))

        involved = []
        # Familiehjelpa follows about a third of the cases at nivå 2–3 and a few others: it is
        # then in the case under the family's consent, with its inquiry on the board.
        with_fh = (reached >= 2 and rng.random() < 0.35) or (reached < 2 and rng.random() < 0.03)
        fh = staff[Service.Kind.FAMILIEHJELPA][0]
        if with_fh or reached >= 2 or (reached == 1 and rng.random() < 0.2):
            others = rng.sample(
                [s for s in collaborators if s is not owner and s is not fh], rng.randint(1, 2)
            )
            if with_fh:
                others.append(fh)
            given = (decided[0] if decided else opened).date()
            consent_id = writer.add(
                Consent,
                case_id=case_id,
                given_by=", ".join(f"Foresatt {g}" for g in guardians),
                child_consented=False,
                information=["wellbeing"],
                form=Consent.Form.WRITTEN,
                purpose="Samarbeid om barnets trivsel.",
                given_on=given,
                refused=False,
                recorded_by_id=holder,
            )
            writer.link(Consent, "services", consent_id, [s.service_id for s in others])
            writer.link(Consent, "guardians", consent_id, guardians)
            for other in others:
                writer.add(
                    Involvement,
                    case_id=case_id,
                    service_id=other.service_id,
                    consent_id=consent_id,
                    joined_at=datetime.combine(given, datetime.min.time(), tzinfo=UTC),
                    added_by_id=holder,
                )
                involved.append(other)
            writer.add(
                Coordination,
                case_id=case_id,
                service_id=owner.service_id,
                starts_at=datetime.combine(given, datetime.min.time(), tzinfo=UTC),
                reason="Tjenesten som ser barnet hver dag.",
                set_by_id=holder,
            )

        for m in range(rng.randint(1, 4) if reached else 0):
            when = opened + (end - opened) * rng.random()
            people = [holder] + [rng.choice(s.employees) for s in involved[:1]]
            meeting_id = writer.add(
                Meeting,
                case_id=case_id,
                kind="samarbeidsmote" if m == 0 else "evalueringsmote",
                starts_at=when,
                place="Møterommet",
                agenda="Hvordan har barnet det, og hva gjør vi videre?",
                other_participants="Foresatte",
                invited_by_id=holder,
                created_at=when - timedelta(days=7),
            )
            writer.link(Meeting, "participants", meeting_id, people)
            services_in = [owner.service_id] + [s.service_id for s in involved[:1]]
            writer.link(Meeting, "participant_services", meeting_id, services_in)
            participants.update(people)
            if when < now and rng.random() < 0.9:
                writer.add(
                    Minutes,
                    meeting_id=meeting_id,
                    present="Foresatte og ansatte",
                    child_voice="Barnet sier at det går litt bedre.",
                    shared_understanding="Vi er enige om målene.",
                    measures_agreed="Fast voksen om morgenen.",
                    version=1,
                    updated_by_id=holder,
                    updated_at=when + timedelta(hours=3),
                )
            log.append((when, "meeting", min(level, 1), "", "Møte avtalt.", holder))

        for _m in range(rng.randint(1, 3) if reached else 0):
            starts = (opened + (end - opened) * rng.random()).date()
            active = not closed and rng.random() < 0.7
            person = rng.choice(owner.employees)
            measure_id = writer.add(
                Measure,
                case_id=case_id,
                description="Fast voksen tar imot barnet hver morgen.",
                goal="Roligere levering fire av fem dager.",
                location="Avdelingen",
                responsible_service_id=owner.service_id,
                responsible_person_id=person,
                starts_on=starts,
                ends_on=None if active else starts + timedelta(days=42),
                evaluation_due=starts + timedelta(days=rng.randint(14, 70)),
                status=Measure.Status.ACTIVE if active else Measure.Status.ENDED,
                created_by_id=holder,
                created_at=datetime.combine(starts, datetime.min.time(), tzinfo=UTC),
            )
            participants.add(person)
            for e in range(rng.randint(0, 2)):
                writer.add(
                    Evaluation,
                    measure_id=measure_id,
                    effect="Litt bedre.",
                    child_experience="Barnet liker ordningen.",
                    guardians_view="Foresatte ser bedring.",
                    outcome="continue" if e == 0 else "end",
                    evaluated_on=starts + timedelta(days=14 * (e + 1)),
                    next_evaluation_due=starts + timedelta(days=14 * (e + 2)) if e == 0 else None,
                    created_by_id=holder,
                    created_at=datetime.combine(starts, datetime.min.time(), tzinfo=UTC),
                )

        if rng.random() < 0.03:
            barnevern = staff[Service.Kind.CHILD_PROTECTION][0]
            when = opened + (end - opened) * rng.random()
            writer.add(
                ChildProtectionReport,
                case_id=case_id,
                reported_at=when,
                channel="phone",
                reason="Meldt etter samtale med leder.",
                police_contacted=False,
                received_by_id=barnevern.service_id,
                reported_by_id=holder,
            )
        if successor != holder:
            writer.add(
                Handover,
                case_id=case_id,
                from_user_id=holder,
                to_user_id=successor,
                status="accepted",
                offered_at=handed_over_at,
                answered_at=handed_over_at + timedelta(days=1),
            )
            writer.add(
                Watch, case_id=case_id, user_id=holder, since=handed_over_at, remind_on=end.date()
            )
            participants.add(successor)
        if with_fh:
            _inquiry(writer, rng, staff, case_id, owner, holder, opened, end, participants)
        if reached == 3:
            writer.add(
                WideCollaboration,
                case_id=case_id,
                familiehjelpa="accepted",
                individual_plan="not_yet",
                updated_by_id=holder,
                updated_at=end,
            )

        # The relay log: what was decided and held above, and notes and steps between.
        for _entry in range(max(0, entries - len(log))):
            at = opened + (end - opened) * rng.random()
            kind = rng.choice(("note", "note", "step_done", "concern", "measure", "evaluation"))
            log.append((at, kind, min(level, 3), step, rng.choice(NOTES), holder))
        for at, kind, lvl, code, text, actor in sorted(log, key=lambda e: e[0]):
            writer.add(
                RelayEntry,
                case_id=case_id,
                at=at,
                actor_id=actor,
                kind=kind,
                level=lvl,
                step_code=code,
                text=text,
            )
        for user_id in participants:
            writer.add(
                CaseUserGrant,
                permission_id=permission_id,
                user_id=user_id,
                content_object_id=case_id,
            )
