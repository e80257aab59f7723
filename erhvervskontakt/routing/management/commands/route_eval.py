"""Score the active routing model on a labelled JSON-lines file, printing score.py's metric lines."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.routing import engine
from erhvervskontakt.routing.cli import Ranker, model_for_command
from erhvervskontakt.routing.jsonl import is_id, is_text, is_topic_list, read_rows


class Command(BaseCommand):
    help = (
        'Route every {"id", "text", "topics": [primary, ...]} line of GOLD and print top-1, top-3, '
        "department accuracy and multi-matter recall exactly as the acceptance scorer (score.py) does."
    )

    def add_arguments(self, parser):
        parser.add_argument("gold", metavar="GOLD.jsonl", help='labelled inquiries ("-" = standard input)')

    def handle(self, *args, gold: str, **options):
        errors: list[str] = []

        def report(message: str) -> None:
            errors.append(message)
            self.stderr.write(f"{gold}: {message}")

        model, version = model_for_command(self.stderr.write)
        self.stderr.write(f"Scoring model {version}.")
        ranker = Ranker(model)
        rows, predictions = [], {}
        try:
            for row in read_rows(
                gold, required={"id": is_id, "text": is_text, "topics": is_topic_list}, report=report
            ):
                key = f"line-{row.line}"  # ids may repeat; every line counts once, as in score.py
                rows.append({"id": key, "text": row.data["text"], "topics": row.data["topics"]})
                predictions[key] = ranker.rank(row.data["text"], 5)["topics"]
        except OSError as exc:
            raise CommandError(f"cannot read {gold}: {exc.strerror or exc}") from None
        unknown = sorted({t for r in rows for t in r["topics"] if t not in ranker.departments})
        if unknown:
            self.stderr.write(
                f"{gold}: topic codes not in the catalogue (counted as misses): {', '.join(unknown)}"
            )
        if rows:
            metrics = engine.evaluate(model, rows, ranker.departments, predictions=predictions)
            self.stdout.write(engine.format_metrics(metrics))
        if errors:
            raise CommandError(f"{len(errors)} input line(s) skipped, see above")
        if not rows:
            raise CommandError(f"{gold}: no labelled inquiries to score")
