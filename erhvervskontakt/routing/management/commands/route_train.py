"""Train a routing model now; it replaces the active one only if not worse (docs/routing.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from erhvervskontakt.routing.models import RunStatus, Trigger
from erhvervskontakt.routing.training import NothingToTrain, active_version, retrain


class Command(BaseCommand):
    help = (
        "Train a routing model from the catalogue in the database, the shipped examples and staff "
        "decisions. The new model replaces the active one only if it is not worse on the held-back data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-missing", action="store_true", help="only when no model is active (set-up)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="activate the new model even if worse or the data is unchanged",
        )

    def handle(self, *args, if_missing: bool, force: bool, **options):
        if if_missing and force:
            raise CommandError("--if-missing and --force cannot be combined")
        active = active_version()
        if if_missing and active is not None:
            self.stdout.write(f"Routing model {active.version} is active; nothing to do.")
            return
        trigger = Trigger.SETUP if if_missing else Trigger.COMMAND
        try:
            run = retrain(trigger=trigger, force=force, progress=self.stderr.write)
        except NothingToTrain as exc:
            raise CommandError(f"cannot train: {exc}") from None
        except Exception as exc:
            raise CommandError(f"training failed: {type(exc).__name__}: {exc}") from None
        m = run.candidate_metrics
        if m:
            self.stdout.write(
                f"Held-back ({run.holdout_source}, {m.get('n', 0)} inquiries): top1={m['top1']:.3f} "
                f"top3={m['top3']:.3f} dept={m['dept']:.3f} multi={m['multi']:.3f}"
            )
        version = run.model.version if run.model else (run.previous_version or "-")
        self.stdout.write(f"{run.get_status_display()}: {run.reason}. Active model: {version}.")
        if run.status == RunStatus.FAILED:
            raise CommandError(run.reason)
