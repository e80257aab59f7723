"""What the routing management commands share: a model to use (trained first if there is none,
with progress on standard error) and the ranking of one text as the command-line contract wants it."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.routing import engine, serving
from erhvervskontakt.routing.models import RunStatus, Trigger
from erhvervskontakt.routing.training import NothingToTrain, active_version, retrain


def model_for_command(say) -> tuple[engine.RoutingModel, str]:
    """The active model; trains the first one (messages through ``say``) when none exists."""
    if active_version() is None:
        say("No routing model yet: training the first one from the catalogue (this takes about a minute).")
        try:
            run = retrain(trigger=Trigger.COMMAND, progress=say)
        except NothingToTrain as exc:
            raise CommandError(f"cannot route: {exc}") from None
        if run.status == RunStatus.BUSY:
            say("Another process is training the first model; waiting for it.")
        say(f"Training: {run.get_status_display()} ({run.reason}).")
    serving.reset()
    model, version = serving.ensure()
    if model is None:
        raise CommandError("cannot route: no routing model could be trained or loaded (see the log)")
    return model, version


class Ranker:
    """Ranks texts with one model over the topics active in the database."""

    def __init__(self, model: engine.RoutingModel):
        self.model = model
        self.departments = dict(Topic.objects.filter(is_active=True).values_list("code", "department__code"))

    def rank(self, text: str, limit: int) -> dict:
        result = self.model.route(
            text,
            k=len(self.model.topics),
            triage_threshold=settings.ROUTING_TRIAGE_THRESHOLD,
            multi_threshold=settings.ROUTING_MULTI_THRESHOLD,
            explain=False,
        )
        pairs = [(c, s) for c, s in zip(result.topics, result.scores, strict=True) if c in self.departments]
        pairs = pairs[: max(limit, 5)]
        topics = [c for c, _ in pairs]
        return {
            "topics": topics,
            "scores": [round(float(s), 6) for _, s in pairs],
            "department": self.departments.get(topics[0], "") if topics else "",
            "matters": [c for c in result.matters if c in self.departments],
        }
