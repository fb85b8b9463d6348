from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Q

from bts.models import AuditEvent
from cases.archive import archive_package_make
from cases.events import CaseAudit
from cases.models import Case


class Command(BaseCommand):
    help = (
        "Lager arkivpakke for avsluttede saker som ikke har en, eller som er endret siden "
        "(kjøres daglig). Pakken lages i navnet til den oppfølgingsansvarlige."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=200, help="høyst så mange saker per kjøring"
        )

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
        for case in due:
            archived = archive_package_make(case=case, user=case.responsible)
            # Made by the daily run, not by a person: no actor.
            AuditEvent.objects.create(
                kind=CaseAudit.CASE_ARCHIVED,
                case_id=archived.pk,
                detail="archive_closed_cases",
            )
            made += 1
        self.stdout.write(f"{made} arkivpakker laget.")
