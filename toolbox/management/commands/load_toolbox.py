from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bts.models import Municipality
from toolbox.loader import ToolboxFileError
from toolbox.services import toolbox_load


class Command(BaseCommand):
    help = "Laster en kommunes verktøykasse fra en TOML-fil (se docs/verktoy-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="f.eks. fixtures/verktoy/ovre-eiker.toml")
        parser.add_argument(
            "--municipality",
            default=None,
            help="kommunenummeret verktøykassa lastes for (uten: kommunen fila navngir)",
        )

    def handle(self, *args, path: Path, municipality: str | None, **options):
        for_municipality = None
        if municipality is not None:
            for_municipality = Municipality.objects.filter(number=municipality).first()
            if for_municipality is None:
                raise CommandError(f"Ingen kommune har kommunenummeret {municipality}.")
        try:
            toolbox = toolbox_load(path=path, municipality=for_municipality)
        except ToolboxFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{toolbox.municipality.name}: «{toolbox.name}» – {toolbox.tools.count()} verktøy "
                f"i {toolbox.groups.count()} grupper."
            )
        )
