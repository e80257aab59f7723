"""python manage.py import_call_stats FILE.csv [--replace] [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.telephony import stats_import


class Command(BaseCommand):
    help = (
        "Import historical call statistics per queue and 30-minute interval from a CSV file "
        "(columns as in docs/telephony.md). Every line is checked first: "
        "one bad line and nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8; comma or semicolon separated)")
        parser.add_argument(
            "--replace", action="store_true", help="Overwrite intervals already computed from call records."
        )
        parser.add_argument("--dry-run", action="store_true", help="Only check the file.")

    def handle(self, *args, file, replace, dry_run, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(f"{file}: no such file") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
        result = stats_import.read(text)
        if not result.errors and not dry_run:
            result = stats_import.import_rows(result, replace=replace)
        if result.errors:
            for error in result.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(f"{len(result.errors)} problem(s); nothing was imported.")
        if dry_run:
            self.stdout.write(f"{file}: {len(result.rows)} rows are valid (dry run, nothing imported).")
        else:
            self.stdout.write(f"{file}: {result.created} intervals imported, {result.replaced} replaced.")
