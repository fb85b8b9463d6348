"""Demo data: a made-up municipality with services and one login per role (password "demo"),
and its cases, walked through the guide in use (`--guide FILE` loads one and takes it into use;
`make demo` loads Øvre Eiker's unless told another)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bts.models import Role, Service, User
from bts.services import membership_grant
from cases.models import Case
from familiehjelpa.models import Inquiry
from levels.language import municipality_language
from levels.loader import GuideFileError, load_guide
from levels.models import Guide, Step
from toolbox.examples import EXAMPLE_CONTACTS, example_workbook
from toolbox.models import CatalogueEntry
from toolbox.selectors import catalogue_plan
from toolbox.services import catalogue_import_apply, catalogue_import_prepare, contact_ensure

from ._demo_cases import create_demo_cases
from ._demo_familiehjelpa import create_demo_inquiries

K = Service.Kind
SERVICES = [
    ("Solsikken barnehage", K.KINDERGARTEN, Service.Provider.PUBLIC),
    ("Trollskogen barnehage", K.KINDERGARTEN, Service.Provider.PRIVATE),
    ("Eikebakken skole", K.SCHOOL, Service.Provider.PUBLIC),
    ("Fjellstad ungdomsskole", K.SCHOOL, Service.Provider.PUBLIC),
    ("Helsestasjon og skolehelsetjeneste", K.HEALTH_STATION, Service.Provider.PUBLIC),
    ("PP-tjenesten", K.PPT, Service.Provider.PUBLIC),
    ("Barneverntjenesten", K.CHILD_PROTECTION, Service.Provider.PUBLIC),
    ("NAV", K.NAV, Service.Provider.PUBLIC),
    ("Familiehjelpa", K.FAMILIEHJELPA, Service.Provider.PUBLIC),
    ("Psykisk helse og rus voksne", K.ADULT_SERVICE, Service.Provider.PUBLIC),
    ("BUP", K.EXTERNAL, Service.Provider.PUBLIC),
]
# username, first name, last name, job title, role, service (None for municipal roles)
USERS = [
    ("ansatt", "Ingrid", "Berg", "Pedagogisk leder", Role.EMPLOYEE, "Solsikken barnehage"),
    ("leder", "Marius", "Dahl", "Styrer", Role.LEADER, "Solsikken barnehage"),
    ("rektor", "Hanne", "Lie", "Rektor", Role.LEADER, "Eikebakken skole"),
    ("familiehjelpa", "Siri", "Haugen", "Teamleder", Role.FAMILIEHJELPA_LEADER, "Familiehjelpa"),
    ("familiekontakt", "Ole", "Bakke", "Familiekontakt", Role.FAMILY_CONTACT, "Familiehjelpa"),
    ("kommunalsjef", "Tone", "Moen", "Kommunalsjef oppvekst", Role.MUNICIPAL_LEADER, None),
    ("admin", "Per", "Strand", "Systemadministrator", Role.SYSTEM_ADMIN, None),
]
DEMO_PASSWORD = "demo"  # noqa: S105 - refused whenever DEBUG is off (bts.auth)


class Command(BaseCommand):
    help = (
        "Laster demodata (tjenester, demobrukere og saker som følger handlingsveilederen). "
        "Bare i demomodus."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--guide",
            type=Path,
            default=None,
            help="handlingsveilederen demosakene følger, f.eks. fixtures/veiledere/vestby.toml "
            "(lastes inn og tas i bruk). Uten: veilederen som er i bruk.",
        )

    # The demo's log lines and documents are written in the guide's language form.
    @transaction.atomic
    def handle(self, *args, guide: Path | None = None, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demodata kan bare lastes i demomodus (DJANGO_DEBUG=1).")
        in_use = self._guide(guide)
        with municipality_language():  # of the guide just loaded, if one was
            self._seed(in_use)

    def _seed(self, in_use: Guide | None) -> None:
        services = {}
        for name, kind, provider in SERVICES:
            services[name], _ = Service.objects.update_or_create(
                name=name, defaults={"kind": kind, "provider": provider, "is_active": True}
            )
        for username, first, last, title, role, service in USERS:
            user, created = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "job_title": title,
                    "email": f"{username}@demo.invalid",
                    "is_active": True,
                },
            )
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.is_demo = True
            user.save()
            membership_grant(user=user, role=role, service=services.get(service))
        users = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in USERS])}
        cases = ""
        made = Case.objects.filter(created_by__in=users.values())
        if in_use is None:
            self.stdout.write(
                "Ingen handlingsveileder er i bruk: hopper over demosakene (velg en med --guide)."
            )
        elif not made.exists():
            cases = f", {create_demo_cases(users, services)} demosaker"
        elif made.exclude(
            step_code__in=Step.objects.filter(level__guide=in_use).values("code")
        ).exists():
            self.stdout.write(
                self.style.WARNING(
                    f"Demosakene finnes fra før og følger ikke «{in_use.name}» ({in_use.slug}): "
                    "tøm databasen for å lage dem på nytt etter denne veilederen."
                )
            )
        if in_use and not Inquiry.objects.filter(service=services["Familiehjelpa"]).exists():
            cases += f", {create_demo_inquiries(users, services)} henvendelser til familiehjelpa"
        catalogue = self._catalogue(users["admin"])
        for i, (category, name, phone, hours, note) in enumerate(EXAMPLE_CONTACTS):
            contact_ensure(
                category=category, name=name, phone=phone, hours=hours, note=note, position=i
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodata klar: {len(SERVICES)} tjenester, {len(USERS)} demobrukere "
                f"({', '.join(u[0] for u in USERS)}) med passordet «{DEMO_PASSWORD}»{cases}"
                f"{catalogue}, {len(EXAMPLE_CONTACTS)} kontakter."
                + (f" Veileder: {in_use} ({in_use.slug})." if in_use else "")
            )
        )

    def _guide(self, path: Path | None) -> Guide | None:
        """The guide the demo follows: the named file (loaded and taken into use), else the
        guide in use (None when there is none)."""
        if path is None:
            return Guide.objects.filter(is_active=True).first()
        try:
            return load_guide(path)
        except GuideFileError as exc:
            raise CommandError(str(exc)) from exc

    def _catalogue(self, admin: User) -> str:
        """The example tiltaksoversikt, through the real import, once: a catalogue that is
        already there (the demo's, or one the administrator changed) is left alone."""
        if CatalogueEntry.objects.exists():
            return ""
        pending = catalogue_import_prepare(
            file_name="tiltaksoversikt-eksempel.xlsx", data=example_workbook(), user=admin
        )
        done = catalogue_import_apply(
            catalogue_import=pending, digest=catalogue_plan(pending.rows).digest, user=admin
        )
        return f", {done.created_count} tiltak i tiltaksoversikten"
