from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.catalogue.io import CatalogueError, load_default_catalogue


class Command(BaseCommand):
    help = "Load the shipped Copenhagen catalogue. Existing topics are kept unless --update is given."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update", action="store_true", help="Overwrite existing rows with the shipped content."
        )

    def handle(self, *args, **options):
        try:
            result = load_default_catalogue(update=options["update"])
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"catalogue: {result['topics']} topics ({result['topics_created']} new), "
            f"{result['themes']} themes, {result['units']} units"
        )
