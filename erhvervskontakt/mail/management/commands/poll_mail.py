from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.mail.imap import poll_mailbox


class Command(BaseCommand):
    help = "Fetch new email from the configured IMAP mailboxes (MAIL_IMAP_MAILBOXES) and ingest it."

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", action="append", help="Only this mailbox (by name); repeatable.")
        parser.add_argument("--batch", type=int, default=None, help="At most this many messages per mailbox.")

    def handle(self, *args, mailbox=None, batch=None, **options):
        configs = settings.MAIL_IMAP_MAILBOXES
        if mailbox:
            unknown = set(mailbox) - {c.name for c in configs}
            if unknown:
                raise CommandError(f"Unknown mailbox: {', '.join(sorted(unknown))}")
            configs = [c for c in configs if c.name in mailbox]
        if not configs:
            self.stdout.write("No mailboxes configured (MAIL_IMAP_MAILBOXES is empty).")
            return
        failed = []
        for config in configs:
            result = poll_mailbox(config, batch=batch)
            if result.skipped:
                self.stdout.write(f"{config.name}: skipped, another worker is polling it")
                continue
            counts = ", ".join(f"{k} {v}" for k, v in sorted(result.statuses.items())) or "nothing new"
            self.stdout.write(f"{config.name}: fetched {result.fetched} ({counts}), marked {result.marked}")
            if result.error:
                self.stderr.write(f"{config.name}: {result.error}")
                failed.append(config.name)
        if failed:
            raise CommandError(f"Polling failed for: {', '.join(failed)}")
