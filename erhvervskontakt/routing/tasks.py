from celery import shared_task
from django.contrib.auth import get_user_model

from erhvervskontakt.routing.models import Trigger
from erhvervskontakt.routing.training import NothingToTrain, retrain


@shared_task(name="routing.retrain", ignore_result=True, time_limit=1800, soft_time_limit=1790)
def retrain_model(trigger: str = Trigger.SCHEDULE, user_id: int | None = None, force: bool = False) -> str:
    """Train a new routing model; it replaces the active one only if not worse (see training.py).

    Idempotent: skipped when the training data is unchanged or another training is running.
    """
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        run = retrain(trigger=trigger, actor=actor, force=force)
    except NothingToTrain:
        return "nothing to train"
    return run.status
