from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.portal.forms_loader import FormsError, load_default_forms


class Command(BaseCommand):
    help = (
        "Load the shipped electronic forms (catalogue/data/forms) and link the topics that name them. "
        "Forms editors have changed are kept unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update", action="store_true", help="Overwrite existing forms with the shipped ones."
        )

    def handle(self, *args, **options):
        try:
            result = load_default_forms(update=options["update"])
        except FormsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"forms: {result['forms']} ({result['created']} new, {result['updated']} updated), "
            f"{result['linked']} topics linked"
        )
