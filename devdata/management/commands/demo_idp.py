"""`manage.py demo_idp`: the demo's identity providers (each municipality's, and ID-porten),
played by the local OpenID provider on fixed ports of 127.0.0.1, until stopped. `make demo`
starts it beside the app."""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bts.isolation import unrestricted
from devdata.demo_identity import provider_entries
from devdata.idp import LocalProvider, ProviderFailed


class Command(BaseCommand):
    help = "Starter demoens innloggingstjenester (kommunenes og ID-porten) på 127.0.0.1."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demoens innloggingstjenester kan bare startes i demomodus.")
        with unrestricted():  # every demo municipality's people
            entries = provider_entries()
        if not entries:
            raise CommandError("Ingen innloggingstjenester i databasen: kjør seed_demo først.")
        try:
            with LocalProvider(entries) as idp:
                for name, issuer in idp.issuers.items():
                    self.stdout.write(f"Innloggingstjeneste {name}: {issuer}")
                stop = {signal.SIGINT, signal.SIGTERM}
                signal.pthread_sigmask(signal.SIG_BLOCK, stop)
                signal.sigwait(stop)
        except ProviderFailed as error:
            raise CommandError(str(error)) from error
