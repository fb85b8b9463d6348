from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Q

from bts.isolation import unrestricted
from cases.archive import archive_package_make
from cases.models import Case
from levels.language import municipality_language


class Command(BaseCommand):
    help = (
        "Lager arkivpakke for avsluttede saker som ikke har en, eller som er endret siden "
        "(kjøres daglig). Pakken lages i navnet til den oppfølgingsansvarlige."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=200, help="høyst så mange saker per kjøring"
        )

    @unrestricted()  # installation-wide work: every municipality's closed cases
    def handle(self, *args, limit, **options):
        if limit < 1:
            raise CommandError("--limit må være minst 1.")
        due = (
            Case.objects.filter(status=Case.Status.CLOSED, anonymised_at__isnull=True)
            .filter(Q(archived_at__isnull=True) | Q(last_activity_at__gt=F("archived_at")))
            .select_related("child", "owner_service", "responsible", "created_by")
            .order_by("closed_at")[:limit]
        )
        made = 0
        # Each case's documents in its own municipality's language form (no request sets it).
        for case in due:
            with municipality_language(case.municipality_id):
                # Made by the daily run, not by a person: audited without an actor.
                archive_package_make(case=case, user=case.responsible, daily_run=True)
            made += 1
        self.stdout.write(f"{made} arkivpakker laget.")
