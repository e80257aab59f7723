"""python manage.py staffing --calls 100 --interval 1800 --aht 180 --target-seconds 20 --target-level 0.8"""

import json
import math
import re

from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.capacity.erlang import staffing

# The formula module names its arguments; the user typed options.
_OPTIONS = {
    "calls": "--calls",
    "interval_seconds": "--interval",
    "aht_seconds": "--aht",
    "target_seconds": "--target-seconds",
    "target_level": "--target-level",
    "shrinkage": "--shrinkage",
    "max_occupancy": "--max-occupancy",
    "patience_seconds": "--patience",
    "max_abandon": "--max-abandon",
    "agents": "--agents",
}
_NAMES = re.compile(r"\b(" + "|".join(sorted(_OPTIONS, key=len, reverse=True)) + r")\b")


def _json_number(value):
    """Round for reading; JSON has no infinity, so an unstable queue's ASA becomes null."""
    if value is None or isinstance(value, bool | int):
        return value
    if not math.isfinite(value):
        return None
    return round(value, 6)


class Command(BaseCommand):
    help = (
        "Agents needed for one interval (Erlang C, or Erlang A with --patience), printed as JSON. "
        "With --agents N, the service level, waiting and occupancy of N agents instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=float, required=True, help="Calls offered in the interval.")
        parser.add_argument(
            "--interval", type=float, default=1800.0, help="Interval length in seconds (1800)."
        )
        parser.add_argument("--aht", type=float, required=True, help="Average handling time in seconds.")
        parser.add_argument(
            "--target-seconds", type=float, default=20.0, help="Answer within this many seconds (20)."
        )
        parser.add_argument(
            "--target-level", type=float, default=0.8, help="Share to answer within the target, e.g. 0.8."
        )
        parser.add_argument(
            "--shrinkage", type=float, default=0.0, help="Share of rostered time off the phones."
        )
        parser.add_argument(
            "--max-occupancy",
            type=float,
            default=1.0,
            help="Highest share of agent time on calls (1 = none).",
        )
        parser.add_argument(
            "--patience", type=float, default=None, help="Mean caller patience in seconds: Erlang A."
        )
        parser.add_argument(
            "--max-abandon", type=float, default=None, help="Highest share of callers hanging up (Erlang A)."
        )
        parser.add_argument(
            "--agents", type=int, default=None, help="Evaluate this many agents instead of searching."
        )

    def handle(self, *args, **options):
        try:
            result = staffing(
                calls=options["calls"],
                interval_seconds=options["interval"],
                aht_seconds=options["aht"],
                target_seconds=options["target_seconds"],
                target_level=options["target_level"],
                shrinkage=options["shrinkage"],
                max_occupancy=options["max_occupancy"],
                patience_seconds=options["patience"],
                max_abandon=options["max_abandon"],
                agents=options["agents"],
            )
        except ValueError as exc:
            raise CommandError(_NAMES.sub(lambda m: _OPTIONS[m.group(1)], str(exc))) from None
        output = {
            "model": result.model,
            "calls": _json_number(options["calls"]),
            "interval_seconds": _json_number(options["interval"]),
            "aht_seconds": _json_number(options["aht"]),
            "target_seconds": _json_number(options["target_seconds"]),
            "target_level": _json_number(options["target_level"]),
            "traffic_erlangs": _json_number(result.traffic_erlangs),
            "agents": result.agents,
            "agents_with_shrinkage": result.agents_with_shrinkage,
            "service_level": _json_number(result.service_level),
            "p_wait": _json_number(result.p_wait),
            "asa_seconds": _json_number(result.asa_seconds),
            "occupancy": _json_number(result.occupancy),
            "meets_targets": result.meets_targets,
        }
        if result.p_abandon is not None:
            output["p_abandon"] = _json_number(result.p_abandon)
            output["patience_seconds"] = _json_number(options["patience"])
        self.stdout.write(json.dumps(output, indent=2))
