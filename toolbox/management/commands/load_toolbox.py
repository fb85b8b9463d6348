from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from toolbox.loader import ToolboxFileError
from toolbox.services import toolbox_load


class Command(BaseCommand):
    help = "Laster kommunens verktøykasse fra en TOML-fil (se docs/verktoy-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="f.eks. fixtures/verktoy/ovre-eiker.toml")

    def handle(self, *args, path: Path, **options):
        try:
            toolbox = toolbox_load(path=path)
        except ToolboxFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{toolbox.municipality}: «{toolbox.name}» – {toolbox.tools.count()} verktøy "
                f"i {toolbox.groups.count()} grupper."
            )
        )
