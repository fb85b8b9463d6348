"""Demo data: a made-up municipality with services and one login per role (password "demo")."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bts.models import Role, Service, User
from bts.services import membership_grant
from cases.models import Case
from familiehjelpa.models import Inquiry
from levels.language import municipality_language
from levels.models import Guide
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
    help = "Laster demodata (tjenester og demobrukere). Bare i demomodus."

    # The demo's log lines and documents are written in the guide's language form.
    @transaction.atomic
    @municipality_language()
    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demodata kan bare lastes i demomodus (DJANGO_DEBUG=1).")
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
        if not Guide.objects.filter(is_active=True).exists():
            self.stdout.write("Ingen handlingsveileder er lastet: hopper over demosakene.")
        elif not Case.objects.filter(created_by__in=users.values()).exists():
            cases = f", {create_demo_cases(users, services)} demosaker"
        if (
            Guide.objects.filter(is_active=True).exists()
            and not Inquiry.objects.filter(service=services["Familiehjelpa"]).exists()
        ):
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
            )
        )

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
