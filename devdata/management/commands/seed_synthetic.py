import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bts.isolation import unrestricted
from devdata.synthetic import seed_synthetic


class Command(BaseCommand):
    help = (
        "Lager syntetiske testdata: tjenester, ansatte og N saker med alt som hører til "
        "(oppdiktet, med syntetiske fødselsnumre). Bare i demomodus eller med BTS_SYNTHETIC=1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="antall saker")
        parser.add_argument("--seed", type=int, default=2026, help="samme frø gir samme data")
        parser.add_argument(
            "--municipalities",
            type=int,
            default=1,
            help="antall kommuner: 1 er veilederens kommune; flere gir et land av kommuner "
            "(356: hele Norge) som deler barnevern og PPT med naboene",
        )
        parser.add_argument(
            "--workers", type=int, default=1, help="prosesser som skriver sakene samtidig"
        )

    @unrestricted()  # installation-wide work: the whole installation
    def handle(self, *args, cases, seed, municipalities, workers, **options):
        if not (settings.DEBUG or settings.BTS_SYNTHETIC):
            raise CommandError(
                "Syntetiske data lages bare i demomodus (DJANGO_DEBUG=1) eller med BTS_SYNTHETIC=1."
            )
        if cases < 1:
            raise CommandError("--cases må være minst 1.")
        if not 1 <= municipalities <= 400 or not 1 <= workers <= 8:
            raise CommandError("--municipalities må være 1–400 og --workers 1–8.")
        started = time.monotonic()
        try:
            counts = seed_synthetic(
                cases=cases, seed=seed, municipalities=municipalities, workers=workers
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(counts.values())
        self.stdout.write(
            f"{cases} saker, {rows} rader i {len(counts)} tabeller på "
            f"{time.monotonic() - started:.0f} s."
        )
