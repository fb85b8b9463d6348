"""seed_synthetic: services, staff, bench accounts and cases, written by COPY."""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from bts.models import MUNICIPALITY_ROLES, Membership, Municipality, Role, Service, User
from cases.models import (
    Case,
    CaseUserGrant,
    Child,
    ChildProtectionReport,
    Concern,
    Consent,
    Coordination,
    Decision,
    DecisionProposal,
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
from levels import rules
from levels.rules import CLOSED
from levels.selectors import active_guide

from .country import Area, country, one_municipality
from .families import _advice_calls, _inquiry
from .paths import GuidePlan, plan
from .words import (
    ADULT_NAMES,
    FIRST_NAMES,
    LAST_NAMES,
    NOTES,
    OBSERVATIONS,
    SETTINGS,
    YEARS,
)
from .writer import _Writer, synthetic_identity_number

# Accounts the benchmark logs in as: username -> (role, service kind). Password BENCH_PASSWORD,
# authenticator key BENCH_TOTP_KEY (hex, as django-otp stores it).
BENCH_USERS = {
    "bench-ansatt": (Role.EMPLOYEE, Service.Kind.KINDERGARTEN),
    "bench-leder": (Role.LEADER, Service.Kind.KINDERGARTEN),
    "bench-kommunalsjef": (Role.MUNICIPAL_LEADER, None),
    "bench-familiehjelpa": (Role.FAMILIEHJELPA_LEADER, Service.Kind.FAMILIEHJELPA),
}
# With a country of municipalities, also: in a small municipality, and the leader of the
# barnevern it shares with its neighbours.
NATIONAL_BENCH_USERS = {
    "bench-liten-ansatt": (Role.EMPLOYEE, Service.Kind.KINDERGARTEN),
    "bench-liten-leder": (Role.LEADER, Service.Kind.KINDERGARTEN),
    "bench-liten-kommunalsjef": (Role.MUNICIPAL_LEADER, None),
    "bench-delt-leder": (Role.LEADER, Service.Kind.CHILD_PROTECTION),
}
BATCH = 20_000  # cases generated, then written, at a time
BENCH_PASSWORD = "bench-passord-langt-nok"  # noqa: S105 - synthetic bench accounts only
BENCH_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key


def seed_synthetic(
    *,
    cases: int,
    seed: int = 2026,
    now: datetime | None = None,
    municipalities: int = 1,
    workers: int = 1,
) -> dict:
    """Write `cases` synthetic cases (and the services, staff and bench accounts they need):
    in the guide's municipality, or spread over a country of `municipalities`; the cases by
    `workers` processes at once (more than one only outside a transaction: each commits its
    own)."""
    guide = active_guide()
    if guide is None:
        raise ValueError("Ingen handlingsveileder er lastet inn.")
    if workers > 1 and connection.in_atomic_block:
        raise ValueError("Flere arbeidere kan bare brukes utenfor en transaksjon.")
    rng = random.Random(seed)  # noqa: S311 - made-up data, reproducible by its seed
    now = now or timezone.now()
    permission_id = Permission.objects.get(content_type__app_label="cases", codename="view_case").pk
    with transaction.atomic():
        bulk_load()
        writer = _Writer()
        tag = f"{seed:x}"
        if municipalities > 1:
            areas = country(writer, rng, tag, municipalities)
        else:
            areas = one_municipality(writer, rng, tag, guide.municipality_id, plan(guide))
        counts = writer.flush()
        _bench_accounts(areas)
        if workers == 1:
            _add(counts, cases_in_batches(writer, rng, areas, permission_id, cases, now))
    if workers > 1:
        from .parallel import in_parallel

        _add(counts, in_parallel(writer, seed, areas, permission_id, cases, now, workers))
    with transaction.atomic():
        # The dashboard's monthly figures, which the triggers off did not mark.
        from dashboards import figures

        figures.rebuild()
    return counts


def bulk_load() -> None:
    """For the transaction: a bulk load of rows that are consistent by construction, with
    foreign-key (and the municipality key's) triggers off, which makes it several times
    faster. That needs a superuser (the project's own server has one); without, it loads with
    the checks, and the triggers fill what the writer left empty."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            pass


def cases_in_batches(writer, rng, areas: list[Area], permission_id, cases: int, now) -> dict:
    counts: dict[str, int] = {}
    for start in range(0, cases, BATCH):
        batch = min(BATCH, cases - start)
        _cases(writer, rng, areas, permission_id, batch, now)
        _advice_calls(writer, rng, areas, batch // 20, now)
        _add(counts, writer.flush())
    return counts


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for name, n in more.items():
        counts[name] = counts.get(name, 0) + n


def _bench_accounts(areas: list[Area]) -> None:
    """The benchmark's own logins, each in the service that owns the most cases of its kind:
    in the largest municipality, and in a country also in a small one and its shared
    barnevern."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bts.services import membership_grant

    accounts = {name: (*how, areas[0]) for name, how in BENCH_USERS.items()}
    if len(areas) > 1:
        small = areas[len(areas) * 3 // 4]
        accounts |= {name: (*how, small) for name, how in NATIONAL_BENCH_USERS.items()}
    for username, (role, kind, area) in accounts.items():
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={"first_name": username.split("-")[1].title(), "is_active": True},
        )
        user.set_password(BENCH_PASSWORD)
        user.save()
        service = None
        if kind is not None:
            first = area.serving(kind)  # the biggest service of its kind (see Area.settle)
            service = Service.objects.get(pk=first.service_id)
            # The bench employee takes the place of its first synthetic employee, and so holds
            # the cases that person would have held.
            if role == Role.EMPLOYEE:
                first.employees[0] = user.pk
        municipality = None
        if role in MUNICIPALITY_ROLES:
            municipality = Municipality.objects.get(pk=area.municipality_id)
        Membership.objects.filter(user=user).delete()
        membership_grant(user=user, role=role, service=service, municipality=municipality)
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="Benk", key=BENCH_TOTP_KEY, confirmed=True)


def _cases(writer, rng, areas: list[Area], permission_id, n, now) -> None:
    area_weights = [a.weight for a in areas]
    span = YEARS * 365
    for _ in range(n):
        # (One municipality draws nothing here, so its data stays what it was.)
        area = rng.choices(areas, area_weights)[0] if len(areas) > 1 else areas[0]
        guide, collaborators = area.guide, area.collaborators
        words = guide.words
        owner = rng.choices(area.owners, area.owner_weights)[0]
        holder = rng.choice(owner.employees)
        opened = now - timedelta(days=span * rng.random() ** 1.3, minutes=rng.randrange(1440))
        reached = rng.choices(guide.reachable, guide.shares)[0]
        final = guide.levels[reached]
        age_days = (now - opened).days
        closed = rng.random() < (0.92 if age_days > 365 else 0.35 if age_days > 30 else 0.05)
        closed = closed and CLOSED in final.rule.to_levels
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
            municipality_id=owner.municipality_id,
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

        # Where the case stands: at a step of its level's way, or closed (after the level's
        # closing steps, where the guide has them; else at its decision step).
        route = guide.routes[reached]
        if closed:
            at = len(final.path)
            step = (final.closing or final.path)[-1].code
        else:
            at = rng.randrange(len(final.path))
            step = final.path[at].code
        # One case in ten was handed over (accepted): the giver follows it after.
        successor = rng.choice(owner.employees) if rng.random() < 0.10 else holder
        handed_over_at = opened + (end - opened) * rng.random()
        responsible = successor
        case_id = writer.add(
            Case,
            child_id=child_id,
            municipality_id=owner.municipality_id,
            owner_service_id=owner.service_id,
            level=reached,
            step_code=step,
            status=Case.Status.CLOSED if closed else Case.Status.OPEN,
            opened_at=opened,
            closed_at=closed_at,
            decision_due=(opened + timedelta(days=guide.level0_decision_days)).date()
            if reached == guide.first_level and not closed
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
        first_step = guide.levels[route[0]].path[0].code
        log = [(opened, "opened", route[0], first_step, f"{words.Concern} registrert.", holder)]

        # Decisions along the way, spread over the case's life, and the closing one. The case
        # is at route[i] from bounds[i] to bounds[i + 1].
        decided = sorted(
            opened + (end - opened) * rng.random() for _ in range(len(route) - 1 + closed)
        )
        bounds = [opened, *decided, *(() if closed else (end,))]
        for i, (from_level, to_level) in enumerate(pairwise(route)):
            _decision(writer, guide, case_id, owner, holder, from_level, to_level, decided[i], log)
        if closed:
            _decision(writer, guide, case_id, owner, holder, reached, CLOSED, decided[-1], log)
            for k, closing in enumerate(final.closing):
                when = decided[-1] + (closed_at - decided[-1]) * (k + 1) / len(final.closing)
                text = f"{closing.code} {closing.title} er gjort."
                log.append((when, "step_done", reached, closing.code, text, holder))

        way = _Way(guide, route, bounds, at, closed)

        involved, given = [], None
        # Familiehjelpa follows about a third of the cases that work with other services and a
        # few others: it is then in the case under the family's consent, with its inquiry.
        together = guide.collaboration(route)
        with_fh = (together and rng.random() < 0.35) or (not together and rng.random() < 0.03)
        fh = area.serving(Service.Kind.FAMILIEHJELPA)
        if with_fh or together or (len(route) > 1 and rng.random() < 0.2):
            others = rng.sample(
                [s for s in collaborators if s is not owner and s is not fh], rng.randint(1, 2)
            )
            if with_fh:
                others.append(fh)
            # Before the first decision (the one into collaboration comes after it).
            given = (opened + ((decided[0] if decided else end) - opened) / 2).date()
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

        # The meetings the steps the case has walked call for, of the kinds they name; the
        # referat written where a step needs it (and mostly otherwise).
        first_measure = None
        needs_evaluation = False
        for i, number in enumerate(route):
            level = guide.levels[number]
            done = way.walked(i)
            for index, planned in level.meetings:
                if index >= done:
                    break
                when = way.when_at(i, index, rng)
                joined = [s for s in involved[:1] if given is not None and given <= when.date()]
                people = [holder] + [rng.choice(s.employees) for s in joined]
                meeting_id = writer.add(
                    Meeting,
                    case_id=case_id,
                    kind=planned.kind,
                    starts_at=when,
                    place="Møterommet",
                    agenda="Hvordan har barnet det, og hva gjør vi videre?",
                    other_participants="Foresatte",
                    invited_by_id=holder,
                    created_at=when - timedelta(days=7),
                )
                writer.link(Meeting, "participants", meeting_id, people)
                services_in = [owner.service_id] + [s.service_id for s in joined]
                writer.link(Meeting, "participant_services", meeting_id, services_in)
                participants.update(people)
                if when < now and (planned.needs_minutes or rng.random() < 0.9):
                    writer.add(
                        Minutes,
                        meeting_id=meeting_id,
                        present="Foresatte og ansatte",
                        child_voice="Barnet sier at det går litt bedre.",
                        concern=f"{words.Concern_definite} ble gjennomgått.",
                        shared_understanding="Vi er enige om målene.",
                        measures_agreed="Fast voksen om morgenen.",
                        version=1,
                        updated_by_id=holder,
                        updated_at=when + timedelta(hours=3),
                    )
                log.append((when, "meeting", number, planned.step_code, "Møte avtalt.", holder))
            if first_measure is None and level.measure_at is not None and level.measure_at < done:
                first_measure = way.when_at(i, level.measure_at, rng)
            if level.evaluation_at is not None and level.evaluation_at < done:
                needs_evaluation = True

        # Measures from the step that first asks for one, with their evaluations.
        for m in range(rng.randint(1, 3) if first_measure is not None else 0):
            starts = (first_measure + (end - first_measure) * rng.random() * (m > 0)).date()
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
            evaluations = rng.randint(0, 2)
            if m == 0 and needs_evaluation:
                evaluations = max(1, evaluations)
            for e in range(evaluations):
                writer.add(
                    Evaluation,
                    measure_id=measure_id,
                    effect="Litt bedre.",
                    child_experience="Barnet liker ordningen.",
                    guardians_view="Foresatte ser bedring.",
                    outcome="continue" if e == 0 else "end",
                    evaluated_on=min(end.date(), starts + timedelta(days=14 * (e + 1))),
                    next_evaluation_due=starts + timedelta(days=14 * (e + 2)) if e == 0 else None,
                    created_by_id=holder,
                    created_at=datetime.combine(starts, datetime.min.time(), tzinfo=UTC),
                )

        if rng.random() < 0.03:
            barnevern = area.serving(Service.Kind.CHILD_PROTECTION)
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
            _inquiry(writer, rng, fh, case_id, owner, holder, opened, end, participants)
        if final.offers:
            writer.add(
                WideCollaboration,
                case_id=case_id,
                familiehjelpa="accepted",
                # The family's answer is in once the case is past the step that asks for it.
                individual_plan="accepted" if at > (final.offers_at or 0) else "not_yet",
                updated_by_id=holder,
                updated_at=end,
            )

        # The relay log: what was decided and held above, and notes and steps between, each at
        # the level and step the case was at then.
        for _entry in range(max(0, entries - len(log))):
            when = opened + (end - opened) * rng.random()
            kind = rng.choice(("note", "note", "step_done", "concern", "measure", "evaluation"))
            number, code = way.where(when)
            log.append((when, kind, number, code, rng.choice(NOTES), holder))
        for when, kind, lvl, code, text, actor in sorted(log, key=lambda e: e[0]):
            writer.add(
                RelayEntry,
                case_id=case_id,
                at=when,
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


def _decision(writer, guide: GuidePlan, case_id, owner, holder, from_level, to_level, at, log):
    """A decision at the level's decision step, taken by whom the guide says: where the leader
    takes it, the holder proposed it and the service's leader confirmed."""
    rule = guide.levels[from_level].rule
    words = guide.words
    move = rules.classify(from_level, to_level)
    by_leader = rule.leader_decides
    decider = owner.leader if by_leader else holder
    if to_level is CLOSED:
        reason = f"Tiltakene har virket, og {words.concern_definite} er besvart."
    else:
        reason = f"{words.Concern_definite} består, og vi går videre sammen med foresatte."
    facts = {
        "case_id": case_id,
        "from_level": from_level,
        "to_level": to_level,
        "step_code": rule.decision_step,
        "reason": reason,
        "child_view": "Barnet sier at det er fint med en voksen å gå til.",
    }
    if by_leader:
        writer.add(
            DecisionProposal,
            **facts,
            status=DecisionProposal.Status.CONFIRMED,
            proposed_by_id=holder,
            proposed_at=at - timedelta(days=1),
            answered_by_id=decider,
            answered_at=at,
        )
    writer.add(
        Decision,
        **facts,
        move=move.value,
        decided_by_id=decider,
        proposed_by_id=holder if by_leader else None,
        decided_at=at,
    )
    if to_level is CLOSED:
        text = "Saken skal avsluttes." if rule.closing_steps else "Saken er avsluttet."
    else:
        text = f"Saken går fra nivå {from_level} til nivå {to_level}."
    log.append((at, "decision", from_level, rule.decision_step, text, decider))


@dataclass(frozen=True)
class _Way:
    """A case's way through the guide: the levels it passed (`route`), the moments it moved
    (it was at route[i] from bounds[i] to bounds[i + 1]), and how far it came on its last."""

    guide: GuidePlan
    route: tuple[int, ...]
    bounds: list[datetime]
    at: int  # the index of its step on its last level's way (past the end when closed)
    closed: bool

    def walked(self, i: int) -> int:
        """How many steps of route[i]'s way the case has done."""
        last = i == len(self.route) - 1
        return self.at if last else len(self.guide.levels[self.route[i]].path)

    def _steps(self, i: int) -> int:
        """The steps route[i]'s time is shared between: those done, and the one it is at."""
        still = i == len(self.route) - 1 and not self.closed
        return max(1, self.walked(i) + still)

    def when_at(self, i: int, index: int, rng: random.Random) -> datetime:
        """A moment while the case was at step `index` of route[i]'s way."""
        start, stop = self.bounds[i], self.bounds[i + 1]
        return start + (stop - start) * ((index + rng.random()) / self._steps(i))

    def where(self, when: datetime) -> tuple[int, str]:
        """The level and step the case was at, at this moment of its life."""
        for i, number in enumerate(self.route):
            start, stop = self.bounds[i], self.bounds[i + 1]
            if when < stop:
                path = self.guide.levels[number].path
                share = (when - start) / max(stop - start, timedelta(seconds=1))
                index = min(int(share * self._steps(i)), len(path) - 1)
                return number, path[max(0, index)].code
        last = self.guide.levels[self.route[-1]]
        return self.route[-1], (last.closing or last.path)[-1].code
