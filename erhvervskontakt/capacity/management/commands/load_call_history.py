"""python manage.py load_call_history [--queue Q] [--weeks 12] [--seed N] [--csv FILE]"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.capacity import demo_history, selectors
from erhvervskontakt.core import clock, workdays


class Command(BaseCommand):
    help = (
        "Demo data: import synthetic call statistics for the last weeks (weekly pattern, Monday peak, "
        "lunch dip, closed on holidays) for a queue that has none yet, so the capacity plan has a "
        "history to forecast from. Does nothing when the queue already has statistics."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="", help="Queue (default: the contact-centre queue).")
        parser.add_argument("--weeks", type=int, default=12, help="Weeks of history up to yesterday (1-104).")
        parser.add_argument(
            "--seed", type=int, default=20240902, help="Random seed (same seed, same history)."
        )
        parser.add_argument(
            "--csv", default="", metavar="FILE", help="Write the CSV (telephony's import format) instead."
        )

    def handle(self, *args, queue, weeks, seed, csv, **options):
        if not 1 <= weeks <= 104:
            raise CommandError("--weeks must be between 1 and 104.")
        queue = queue or selectors.default_queue()
        if csv:
            today = clock.today()
            rows = demo_history.generate_rows(
                queue,
                today - dt.timedelta(weeks=weeks),
                today - dt.timedelta(days=1),
                opening_hours=workdays.opening_hours,
                tz=clock.COPENHAGEN,
                seed=seed,
            )
            try:
                Path(csv).write_text(demo_history.to_csv(rows), encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{csv}: {exc.strerror}") from None
            self.stdout.write(f"{csv}: {len(rows)} intervals written for queue {queue}.")
            return
        try:
            created = demo_history.load_call_history(queue, weeks=weeks, seed=seed)
        except ValueError as exc:
            raise CommandError(f"The statistics import refused the history: {exc}") from None
        if created:
            self.stdout.write(f"Queue {queue}: {created} half-hour intervals of call history imported.")
        else:
            self.stdout.write(f"Queue {queue} already has call statistics; nothing loaded.")
