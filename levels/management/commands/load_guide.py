from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bts.isolation import unrestricted
from bts.models import Municipality
from levels.loader import GuideFileError, load_guide


class Command(BaseCommand):
    help = "Laster en kommunes handlingsveileder fra en TOML-fil (se docs/guide-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="f.eks. fixtures/veiledere/ovre-eiker.toml")
        parser.add_argument(
            "--municipality",
            default=None,
            help="kommunenummeret til kommunen veilederen lastes for, når det ikke er den "
            "fila selv nevner (en kommune som tar en annens veileder i bruk)",
        )
        parser.add_argument(
            "--no-activate",
            action="store_true",
            help="last inn uten å ta veilederen i bruk",
        )

    @unrestricted()  # installation-wide work: the cases of the guide's municipality
    def handle(self, *args, path: Path, no_activate: bool, municipality: str | None, **options):
        chosen = None
        if municipality is not None:
            chosen = Municipality.objects.filter(number=municipality).first()
            if chosen is None:
                raise CommandError(f"Ingen kommune har kommunenummeret {municipality}.")
        try:
            guide = load_guide(path, activate=not no_activate, municipality=chosen)
        except GuideFileError as exc:
            raise CommandError(str(exc)) from exc
        steps = sum(level.steps.count() for level in guide.levels.all())
        state = "i bruk" if guide.is_active else "lastet, ikke i bruk"
        self.stdout.write(
            self.style.SUCCESS(
                f"{guide.municipality}: «{guide.name}» – {guide.levels.count()} nivåer, "
                f"{steps} trinn, {guide.acute_contacts.count()} akuttkontakter ({state})."
            )
        )
