from django.core.management.base import BaseCommand
from django.utils import timezone

from bts.isolation import unrestricted
from cases.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Sender e-post om frister som nærmer seg eller er passert (kjøres daglig)."

    @unrestricted()  # installation-wide work: every municipality's deadlines
    def handle(self, *args, **options):
        users = send_due_reminders(timezone.localdate())
        self.stdout.write(f"Påminnelser sendt til {users} brukere.")
