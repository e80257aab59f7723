"""Route JSON lines {"id", "text"} to ranked topics (the acceptance contract; docs/routing.md)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.routing.cli import Ranker, model_for_command
from erhvervskontakt.routing.jsonl import is_id, is_text, read_rows


class Command(BaseCommand):
    help = (
        'Read JSON lines {"id", "text"} and write one JSON line per input: {"id", "topics", "scores", '
        '"department", "matters"}. Trains the first model when none exists (messages on standard error).'
    )

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", required=True, metavar="IN", help='input file ("-" = standard input)')
        parser.add_argument("--limit", type=int, default=10, help="topics per line (at least 5; default 10)")

    def handle(self, *args, jsonl: str, limit: int, **options):
        errors: list[str] = []

        def report(message: str) -> None:
            errors.append(message)
            self.stderr.write(f"{jsonl}: {message}")

        try:
            model, version = model_for_command(self.stderr.write)
        except OSError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"Routing with model {version}.")
        ranker = Ranker(model)
        try:
            rows = read_rows(jsonl, required={"id": is_id, "text": is_text}, report=report)
            for row in rows:
                out = {"id": row.data["id"], **ranker.rank(row.data["text"], limit)}
                self.stdout.write(json.dumps(out, ensure_ascii=False))
        except OSError as exc:
            raise CommandError(f"cannot read {jsonl}: {exc.strerror or exc}") from None
        if errors:
            raise CommandError(f"{len(errors)} input line(s) skipped, see above")
