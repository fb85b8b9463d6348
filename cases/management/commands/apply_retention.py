from django.conf import settings
from django.core.management.base import BaseCommand

from bts.isolation import unrestricted
from cases.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Sletter personopplysninger i arkiverte saker når oppbevaringstiden etter arkivering er "
        "ute (BTS_RETENTION_DAYS). Trygt å kjøre flere ganger; kjøres daglig."
    )

    @unrestricted()  # installation-wide work: every municipality's cases
    def handle(self, *args, **options):
        run = retention_apply()
        days = settings.BTS_RETENTION_DAYS
        self.stdout.write(
            f"Oppbevaringstid {days} dager etter arkivering: "
            f"{len(run.anonymised)} saker anonymisert."
        )
        if run.changed_after_archiving:
            self.stdout.write(
                f"{len(run.changed_after_archiving)} saker er endret etter arkivering og venter på "
                "ny arkivpakke: " + ", ".join(str(pk) for pk in run.changed_after_archiving)
            )
        if run.closed_not_archived:
            self.stdout.write(
                f"{run.closed_not_archived} avsluttede saker eldre enn oppbevaringstiden er ikke "
                "arkivert ennå, og beholdes til de er det."
            )
