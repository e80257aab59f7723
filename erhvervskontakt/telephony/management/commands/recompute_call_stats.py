"""python manage.py recompute_call_stats [--since DATE --until DATE] [--queue QUEUE]"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.core import clock
from erhvervskontakt.telephony import statistics


def _date(value: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.COPENHAGEN)


class Command(BaseCommand):
    help = (
        "Recompute interval statistics from call records: the marked intervals, or every interval in a range."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="first day (YYYY-MM-DD) to recompute")
        parser.add_argument("--until", help="day after the last one (YYYY-MM-DD); default: tomorrow")
        parser.add_argument("--queue", help="only this queue")

    def handle(self, *args, since, until, queue, **options):
        if since:
            end = _date(until) if until else _date((clock.today() + dt.timedelta(days=1)).isoformat())
            count = statistics.recompute_range(_date(since), end, queue=queue)
        else:
            count = statistics.recompute_touched()
        self.stdout.write(f"{count} intervals recomputed.")
