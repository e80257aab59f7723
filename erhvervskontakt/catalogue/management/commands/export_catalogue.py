import json

from django.core.management.base import BaseCommand

from erhvervskontakt.catalogue.io import export_topics


class Command(BaseCommand):
    help = "Print the catalogue as JSON: a list of topics (code, department, unit, name_da, name_en, ...)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(export_topics(), ensure_ascii=False, indent=2))
