from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.demo.loader import demo_loaded, load_demo


class Command(BaseCommand):
    help = "Load demo staff, businesses and inquiries once (demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument("--inquiries", type=int, default=120)
        parser.add_argument("--force", action="store_true", help="Add demo inquiries even if some exist.")

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo data is only loaded in demo mode (DEMO_MODE=1); its logins use the password 'demo'."
            )
        if not Topic.objects.exists():
            raise CommandError("Load the catalogue first: python manage.py load_catalogue")
        if demo_loaded() and not options["force"]:
            self.stdout.write("demo data already loaded; nothing to do")
            return
        result = load_demo(options["inquiries"])
        self.stdout.write(
            f"demo: {result['inquiries']} inquiries, {result['companies']} companies, "
            f"{result['staff']} staff users"
        )
