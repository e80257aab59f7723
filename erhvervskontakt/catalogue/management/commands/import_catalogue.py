import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from erhvervskontakt.catalogue.io import CatalogueError, upsert_topic


class Command(BaseCommand):
    help = "Import topics from JSON in the export_catalogue format (file or - for standard input)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--keep-existing", action="store_true", help="Do not overwrite topics that exist."
        )

    def handle(self, *args, **options):
        try:
            if options["path"] == "-":
                data = json.load(sys.stdin)
            else:
                with open(options["path"], encoding="utf-8") as fh:
                    data = json.load(fh)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"cannot read {options['path']}: {exc}") from exc
        if not isinstance(data, list):
            raise CommandError("expected a JSON list of topics")
        try:
            with transaction.atomic():
                created = sum(upsert_topic(item, update=not options["keep_existing"])[1] for item in data)
        except (CatalogueError, KeyError, TypeError, ValueError) as exc:
            raise CommandError(f"nothing imported: {exc}") from exc
        self.stdout.write(f"imported {len(data)} topics ({created} new)")
