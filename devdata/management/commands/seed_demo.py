"""Demo data: two municipalities, each with its guide (Øvre Eiker with the guide of
`--guide FILE`, its own in `make demo`; Fjordvik with its own, in nynorsk), their services, a
barnevern and a PP-tjeneste hosted by the first and serving both, one login per role in each
(password "demo"), and their cases, walked through each municipality's guide."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bts.isolation import unrestricted
from bts.models import Municipality, Role, Service, User
from bts.services import membership_grant
from cases.models import Case
from devdata.demo_identity import identity_providers_ensure
from familiehjelpa.models import Inquiry
from levels.language import municipality_language
from levels.loader import GuideFileError, load_guide
from levels.models import Guide, Step
from toolbox.examples import EXAMPLE_CONTACTS, example_workbook
from toolbox.models import CatalogueEntry, Contact, Toolbox
from toolbox.selectors import catalogue_plan
from toolbox.services import (
    catalogue_import_apply,
    catalogue_import_prepare,
    contact_ensure,
    toolbox_load,
)

from ._demo_cases import create_demo_cases
from ._demo_familiehjelpa import create_demo_inquiries
from ._demo_fjordvik import create_fjordvik_cases

K = Service.Kind
FIRST, SECOND = "first", "second"  # the municipality of the --guide file, and Fjordvik
SECOND_GUIDE = Path(settings.BASE_DIR) / "fixtures" / "veiledere" / "fjordvik.toml"
# The municipalities the demo has before a guide says more (as their guide files name them).
FIRST_MUNICIPALITY = ("3314", "Øvre Eiker kommune")
SECOND_MUNICIPALITY = ("4699", "Fjordvik kommune")
# name, kind, provider, host municipality, the other municipalities it serves
SERVICES = [
    ("Solsikken barnehage", K.KINDERGARTEN, Service.Provider.PUBLIC, FIRST, ()),
    ("Trollskogen barnehage", K.KINDERGARTEN, Service.Provider.PRIVATE, FIRST, ()),
    ("Eikebakken skole", K.SCHOOL, Service.Provider.PUBLIC, FIRST, ()),
    ("Fjellstad ungdomsskole", K.SCHOOL, Service.Provider.PUBLIC, FIRST, ()),
    ("Helsestasjon og skolehelsetjeneste", K.HEALTH_STATION, Service.Provider.PUBLIC, FIRST, ()),
    ("PP-tjenesten", K.PPT, Service.Provider.PUBLIC, FIRST, (SECOND,)),
    ("Barneverntjenesten", K.CHILD_PROTECTION, Service.Provider.PUBLIC, FIRST, (SECOND,)),
    ("NAV", K.NAV, Service.Provider.PUBLIC, FIRST, ()),
    ("Familiehjelpa", K.FAMILIEHJELPA, Service.Provider.PUBLIC, FIRST, ()),
    ("Psykisk helse og rus voksne", K.ADULT_SERVICE, Service.Provider.PUBLIC, FIRST, ()),
    ("BUP", K.EXTERNAL, Service.Provider.PUBLIC, FIRST, (SECOND,)),
    ("Fjordvik barnehage", K.KINDERGARTEN, Service.Provider.PUBLIC, SECOND, ()),
    ("Fjordvik skule", K.SCHOOL, Service.Provider.PUBLIC, SECOND, ()),
    ("Helsestasjonen i Fjordvik", K.HEALTH_STATION, Service.Provider.PUBLIC, SECOND, ()),
]
# username, first name, last name, job title, role, service or municipality (None: the
# installation's system administrator)
USERS = [
    ("ansatt", "Ingrid", "Berg", "Pedagogisk leder", Role.EMPLOYEE, "Solsikken barnehage"),
    ("leder", "Marius", "Dahl", "Styrer", Role.LEADER, "Solsikken barnehage"),
    ("rektor", "Hanne", "Lie", "Rektor", Role.LEADER, "Eikebakken skole"),
    ("familiehjelpa", "Siri", "Haugen", "Teamleder", Role.FAMILIEHJELPA_LEADER, "Familiehjelpa"),
    ("familiekontakt", "Ole", "Bakke", "Familiekontakt", Role.FAMILY_CONTACT, "Familiehjelpa"),
    ("kommunalsjef", "Tone", "Moen", "Kommunalsjef oppvekst", Role.MUNICIPAL_LEADER, FIRST),
    ("lokaladmin", "Lene", "Vik", "Lokal administrator", Role.LOCAL_ADMIN, FIRST),
    ("admin", "Per", "Strand", "Systemadministrator", Role.SYSTEM_ADMIN, None),
    # The shared services' staff (hosted by the first municipality, serving both).
    ("barnevern", "Kari", "Nilsen", "Barnevernkonsulent", Role.EMPLOYEE, "Barneverntjenesten"),
    ("barnevernleder", "Arne", "Holm", "Barnevernleder", Role.LEADER, "Barneverntjenesten"),
    ("ppt", "Eva", "Strand", "PP-rådgiver", Role.EMPLOYEE, "PP-tjenesten"),
    ("pptleder", "Geir", "Lund", "Leder PP-tjenesten", Role.LEADER, "PP-tjenesten"),
    # Fjordvik's own.
    ("fjordvik-tilsett", "Sigrid", "Nes", "Pedagogisk leiar", Role.EMPLOYEE, "Fjordvik barnehage"),
    ("fjordvik-leiar", "Eirik", "Myklebust", "Styrar", Role.LEADER, "Fjordvik barnehage"),
    ("fjordvik-kommunalsjef", "Randi", "Vatne", "Kommunalsjef", Role.MUNICIPAL_LEADER, SECOND),
    ("fjordvik-admin", "Ola", "Fjell", "Lokal administrator", Role.LOCAL_ADMIN, SECOND),
]
SECOND_TOOLBOX = Path(settings.BASE_DIR) / "fixtures" / "verktoy" / "ovre-eiker.toml"
C = Contact.Category
# Fjordvik's contact list (the barnevern's numbers are the shared service's).
SECOND_CONTACTS = [
    (C.EMERGENCY, "Politi – naudnummer", "112", "", "Ved fare for liv og helse."),
    (C.EMERGENCY, "Medisinsk naudtelefon (ambulanse)", "113", "", ""),
    (C.EMERGENCY, "Legevakt", "116 117", "heile døgeret", ""),
    (C.CHILD_PROTECTION, "Barnevernet – vakttelefon", "476 63 707", "kvardagar 08:30–15:00", ""),
    (C.CHILD_PROTECTION, "Alarmtelefonen for barn og unge", "116 111", "", ""),
    (C.POLICE, "Politiet", "02800", "", "Når det ikkje hastar."),
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

    # The demo's log lines and documents are written in each municipality's language form.
    @transaction.atomic
    @unrestricted()  # installation-wide work: both demo municipalities
    def handle(self, *args, guide: Path | None = None, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demodata kan bare lastes i demomodus (DJANGO_DEBUG=1).")
        first = self._municipality(*FIRST_MUNICIPALITY)
        in_use = self._guide(guide, first)
        municipalities = {FIRST: first, SECOND: self._second(in_use)}
        with municipality_language(first.pk):
            self._seed(in_use, municipalities)

    def _seed(self, in_use: Guide | None, municipalities: dict[str, Municipality]) -> None:
        services = {}
        for name, kind, provider, host, partners in SERVICES:
            services[name], _ = Service.objects.update_or_create(
                municipality=municipalities[host],
                name=name,
                defaults={"kind": kind, "provider": provider, "is_active": True},
            )
            services[name].partner_municipalities.set([municipalities[p] for p in partners])
        for username, first, last, title, role, where in USERS:
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
            membership_grant(
                user=user,
                role=role,
                service=services.get(where),
                municipality=municipalities.get(where),
            )
        users = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in USERS])}
        cases = ""
        made = Case.objects.filter(created_by__in=users.values())
        if in_use is None:
            self.stdout.write(
                "Ingen handlingsveileder er i bruk: hopper over demosakene (velg en med --guide)."
            )
        elif not made.exists():
            made_now = create_demo_cases(users, services)
            made_now += create_fjordvik_cases(users, services)
            cases = f", {made_now} demosaker"
        elif (
            made.filter(municipality=in_use.municipality)
            .exclude(step_code__in=Step.objects.filter(level__guide=in_use).values("code"))
            .exists()
        ):
            self.stdout.write(
                self.style.WARNING(
                    f"Demosakene finnes fra før og følger ikke «{in_use.name}» ({in_use.slug}): "
                    "tøm databasen for å lage dem på nytt etter denne veilederen."
                )
            )
        if in_use and not Inquiry.objects.filter(service=services["Familiehjelpa"]).exists():
            cases += f", {create_demo_inquiries(users, services)} henvendelser til familiehjelpa"
        # Staff sign in through their municipality's provider, families through ID-porten:
        # the local provider `make demo` starts (devdata.demo_identity).
        identity_providers_ensure(list(municipalities.values()))
        # Each municipality's own tiltaksoversikt and contact list, by its local administrator;
        # Fjordvik takes Øvre Eiker's toolbox file.
        catalogue = self._catalogue(users["lokaladmin"], municipalities[FIRST])
        self._catalogue(users["fjordvik-admin"], municipalities[SECOND])
        if not Toolbox.objects.filter(municipality=municipalities[SECOND]).exists():
            toolbox_load(path=SECOND_TOOLBOX, municipality=municipalities[SECOND])
        for municipality, contacts in (
            (municipalities[FIRST], EXAMPLE_CONTACTS),
            (municipalities[SECOND], SECOND_CONTACTS),
        ):
            for i, (category, name, phone, hours, note) in enumerate(contacts):
                contact_ensure(
                    municipality=municipality,
                    category=category,
                    name=name,
                    phone=phone,
                    hours=hours,
                    note=note,
                    position=i,
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodata klar: {len(municipalities)} kommuner, {len(SERVICES)} tjenester, "
                f"{len(USERS)} demobrukere "
                f"({', '.join(u[0] for u in USERS)}) med passordet «{DEMO_PASSWORD}»{cases}"
                f"{catalogue}, {len(EXAMPLE_CONTACTS) + len(SECOND_CONTACTS)} kontakter."
                + (f" Veileder: {in_use} ({in_use.slug})." if in_use else "")
            )
        )

    def _guide(self, path: Path | None, first: Municipality) -> Guide | None:
        """The guide the first municipality's demo cases follow: the named file (loaded as its
        guide and taken into use, whichever municipality the file is written for), else the
        guide it has in use (None when it has none)."""
        if path is None:
            return Guide.objects.filter(municipality=first, is_active=True).first()
        try:
            return load_guide(path, municipality=first)
        except GuideFileError as exc:
            raise CommandError(str(exc)) from exc

    def _municipality(self, number: str, name: str) -> Municipality:
        municipality, _ = Municipality.objects.get_or_create(number=number, defaults={"name": name})
        return municipality

    def _second(self, first: Guide | None) -> Municipality:
        """Fjordvik, with its guide (loaded once) when the demo follows guides: the demo's
        second municipality."""
        if first is None:
            return self._municipality(*SECOND_MUNICIPALITY)
        municipality = self._municipality(*SECOND_MUNICIPALITY)
        if not Guide.objects.filter(municipality=municipality, is_active=True).exists():
            try:
                load_guide(SECOND_GUIDE, municipality=municipality)
            except GuideFileError as exc:
                raise CommandError(str(exc)) from exc
        return municipality

    def _catalogue(self, admin: User, municipality: Municipality) -> str:
        """The example tiltaksoversikt, through the real import, once: a catalogue that is
        already there (the demo's, or one the administrator changed) is left alone."""
        if CatalogueEntry.objects.filter(municipality=municipality).exists():
            return ""
        pending = catalogue_import_prepare(
            file_name="tiltaksoversikt-eksempel.xlsx",
            data=example_workbook(),
            user=admin,
            municipality_id=municipality.pk,
        )
        plan = catalogue_plan(pending.rows, municipality.pk)
        done = catalogue_import_apply(catalogue_import=pending, digest=plan.digest, user=admin)
        return f", {done.created_count} tiltak i tiltaksoversikten"
