import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devdata.synthetic import seed_synthetic


class Command(BaseCommand):
    help = (
        "Lager syntetiske testdata: tjenester, ansatte og N saker med alt som hører til "
        "(oppdiktet, med syntetiske fødselsnumre). Bare i demomodus eller med BTS_SYNTHETIC=1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="antall saker")
        parser.add_argument("--seed", type=int, default=2026, help="samme frø gir samme data")

    def handle(self, *args, cases, seed, **options):
        if not (settings.DEBUG or settings.BTS_SYNTHETIC):
            raise CommandError(
                "Syntetiske data lages bare i demomodus (DJANGO_DEBUG=1) eller med BTS_SYNTHETIC=1."
            )
        if cases < 1:
            raise CommandError("--cases må være minst 1.")
        started = time.monotonic()
        try:
            counts = seed_synthetic(cases=cases, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(counts.values())
        self.stdout.write(
            f"{cases} saker, {rows} rader i {len(counts)} tabeller på "
            f"{time.monotonic() - started:.0f} s."
        )
