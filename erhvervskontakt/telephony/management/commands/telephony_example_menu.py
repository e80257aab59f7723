"""python manage.py telephony_example_menu [--code CODE]"""

from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.telephony.examples import build_example_menu


class Command(BaseCommand):
    help = (
        "Create (or recreate) an example IVR menu with open and closed branches, for editors to start from."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", default="eksempel")
        parser.add_argument("--numbers", default="+45 33 66 33 66")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when the menu exists (keeps editors' changes).",
        )

    def handle(self, *args, code, numbers, **options):
        from erhvervskontakt.telephony.models import Menu

        if options["if_missing"] and Menu.objects.filter(code=code).exists():
            self.stdout.write(f"Menu {code!r} exists; kept as it is.")
            return
        topics = {t.code: t for t in Topic.objects.filter(code__in=["udeservering", "alkoholbevilling"])}
        if len(topics) < 2:
            raise CommandError(
                "The catalogue needs the topics udeservering and alkoholbevilling (load_catalogue)."
            )
        menu = build_example_menu(
            code=code,
            area_topic=topics["udeservering"],
            licence_topic=topics["alkoholbevilling"],
            numbers=numbers,
        )
        self.stdout.write(f"Menu {menu.code!r} created with {menu.nodes.count()} steps.")
