"""python manage.py create_telephony_integration NAME [--no-signing] [--rotate]"""

from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.telephony import auth
from erhvervskontakt.telephony.models import Integration


class Command(BaseCommand):
    help = (
        "Create a telephony integration (or with --rotate give an existing one a new token) and print "
        "its token and signing secret. The token is shown only now."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--no-signing", action="store_true", help="No signing secret (token only).")
        parser.add_argument("--rotate", action="store_true", help="New token for an existing integration.")

    def handle(self, *args, name, no_signing, rotate, **options):
        if rotate:
            integration = Integration.objects.filter(name=name).first()
            if integration is None:
                raise CommandError(f"No integration named {name!r}.")
            token = auth.issue_token(integration)
            secret = integration.signing_secret
        else:
            if Integration.objects.filter(name=name).exists():
                raise CommandError(f"An integration named {name!r} exists; use --rotate for a new token.")
            integration, token, secret = auth.create_integration(name, signing=not no_signing)
        self.stdout.write(f"integration: {integration.name}")
        self.stdout.write(f"token: {token}")
        if secret:
            self.stdout.write(f"signing secret: {secret}")
