"""Training, the replacement rule, and activation: the one door through which routing models change.

``retrain()`` reads the training data (``routing.datasets``), trains a candidate, scores it and the
active model on the same held-back labelled data, and activates the candidate only when it is not
worse on any metric (top-1, top-3, department, multi-matter recall), or when there is no active
model yet, or when forced by an administrator. Every attempt is recorded as a ``TrainingRun``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from erhvervskontakt.core import clock
from erhvervskontakt.routing import datasets, engine
from erhvervskontakt.routing.models import ModelVersion, RunStatus, TrainingRun, Trigger

log = logging.getLogger(__name__)

LOCK_KEY = "routing:training-lock"
ACTIVE_KEY = "routing:active-version"  # read by routing.serving in every process


class NothingToTrain(Exception):
    """The catalogue has no active topic with any text: no model can be trained."""


@dataclass
class Decision:
    activate: bool
    reason: str


def decide(
    candidate: dict, previous: dict | None, *, force: bool = False, tolerance: float | None = None
) -> Decision:
    """The replacement rule, on held-back scores (``engine.evaluate`` dicts)."""
    tol = settings.ROUTING_REPLACE_TOLERANCE if tolerance is None else tolerance
    if previous is None:
        return Decision(True, "first model: nothing to compare with")
    if force:
        return Decision(True, "forced: activated without the comparison deciding")
    if not candidate.get("n"):
        return Decision(True, "no held-back labelled data to compare on: the newer model is used")
    keys = ("top1", "top3", "dept", "multi")
    diff = ", ".join(f"{k} {candidate[k]:.3f} vs {previous.get(k, 0.0):.3f}" for k in keys)
    if engine.is_not_worse(candidate, previous, keys=keys, tolerance=tol):
        return Decision(True, f"not worse on {candidate['n']} held-back inquiries ({diff})")
    return Decision(False, f"worse on {candidate['n']} held-back inquiries ({diff})")


def active_version() -> ModelVersion | None:
    return ModelVersion.objects.filter(is_active=True).defer("blob").first()


def load_model(version: ModelVersion | str) -> engine.RoutingModel:
    name = version if isinstance(version, str) else version.version
    blob = ModelVersion.objects.filter(version=name).values_list("blob", flat=True).first()
    if not blob:
        raise ModelVersion.DoesNotExist(f"routing model {name} has no stored model")
    return engine.RoutingModel.from_bytes(bytes(blob))


def _publish(version: str) -> None:
    """Tell every process (through the shared cache) which version is active now."""
    cache.set(ACTIVE_KEY, version, settings.ROUTING_CHECK_SECONDS)
    from erhvervskontakt.routing import serving

    serving.forget_check()


def _prune() -> None:
    """Empty the stored model of old inactive versions; their records stay."""
    keep = settings.ROUTING_KEEP_MODELS
    old = ModelVersion.objects.filter(is_active=False, size_bytes__gt=0).order_by("-trained_at", "-id")
    stale = list(old.values_list("pk", flat=True)[max(keep - 1, 0) :])
    if stale:
        ModelVersion.objects.filter(pk__in=stale).update(blob=b"", size_bytes=0)


@transaction.atomic
def _activate(
    model: engine.RoutingModel, ts: datasets.TrainingSet, metrics: dict, *, trigger: str, actor
) -> ModelVersion:
    blob = model.to_bytes()
    previous = list(ModelVersion.objects.select_for_update().filter(is_active=True).defer("blob"))
    ModelVersion.objects.filter(pk__in=[p.pk for p in previous]).update(is_active=False)
    meta = model.metadata
    mv = ModelVersion.objects.create(
        version=meta["version"],
        engine_version=meta["engine_version"],
        trained_at=clock.now(),
        is_active=True,
        activated_at=clock.now(),
        trigger=trigger,
        triggered_by=actor,
        data_hash=ts.data_hash,
        training_size=meta["training_size"],
        training_sources=ts.sources,
        n_topics=meta["n_topics"],
        holdout_metrics=metrics,
        holdout_source=ts.holdout_source,
        train_seconds=meta.get("train_seconds", 0.0),
        size_bytes=len(blob),
        blob=blob,
    )
    _prune()
    transaction.on_commit(lambda: _publish(mv.version))
    return mv


def _unique_version(model: engine.RoutingModel) -> None:
    # Two trainings in the same second on the same data would share a version name.
    name = model.metadata["version"]
    if ModelVersion.objects.filter(version=name).exists():
        model.metadata["version"] = f"{name}-{uuid.uuid4().hex[:6]}"


def retrain(
    *,
    trigger: str = Trigger.COMMAND,
    actor=None,
    force: bool = False,
    config: engine.EngineConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> TrainingRun:
    """Train a new model and activate it if the replacement rule allows; return the run's record.

    Skips (status ``unchanged``) when the training data is exactly what the active model was
    trained on, unless ``force``. Only one training runs at a time (status ``busy`` otherwise).
    Raises :class:`NothingToTrain` for an empty catalogue; other failures are recorded as
    ``failed`` and re-raised.
    """
    say = progress or (lambda msg: None)
    run = TrainingRun.objects.create(
        started_at=clock.now(), trigger=trigger, triggered_by=actor, forced=force, status=RunStatus.RUNNING
    )
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, settings.ROUTING_TRAIN_LOCK_SECONDS):
        return _finish(run, RunStatus.BUSY, "another training was running")
    try:
        return _retrain(run, config=config, say=say)
    except NothingToTrain as exc:
        _finish(run, RunStatus.FAILED, str(exc))
        raise
    except Exception as exc:
        log.exception("routing: training run %s failed", run.pk)
        _finish(run, RunStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def _finish(run: TrainingRun, status: str, reason: str, **fields) -> TrainingRun:
    run.status, run.reason, run.finished_at = status, reason, clock.now()
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    log.info("routing: training run %s: %s (%s)", run.pk, status, reason)
    return run


def _retrain(run: TrainingRun, *, config, say) -> TrainingRun:
    say("Reading the catalogue, shipped examples and staff decisions ...")
    ts = datasets.build_training_set()
    if ts.is_empty:
        raise NothingToTrain("the catalogue has no active topics with text to learn from")
    active = active_version()
    run.data_hash, run.training_size = ts.data_hash, len(ts.examples)
    run.training_sources, run.holdout_source = ts.sources, ts.holdout_source
    previous_model = None
    if active is not None:
        run.previous_version = active.version
        try:
            previous_model = load_model(active)
        except Exception as exc:  # e.g. pickled by an older engine: no competitor, and must be replaced
            log.warning("routing: active model %s cannot be loaded (%s); replacing it", active.version, exc)
    if (
        previous_model is not None
        and not run.forced
        and active.data_hash == run.data_hash
        and active.engine_version == engine.ENGINE_VERSION
    ):
        return _finish(run, RunStatus.UNCHANGED, "the active model was trained on exactly this data")
    say(f"Training on {len(ts.examples)} examples for {len(ts.topics_meta)} topics ...")
    t0 = time.perf_counter()
    model = engine.train(ts.examples, ts.topics_meta, keywords=ts.keywords, config=config)
    run.train_seconds = round(time.perf_counter() - t0, 2)
    _unique_version(model)
    run.candidate_version = model.metadata["version"]
    say(f"Scoring on {len(ts.holdout)} held-back inquiries ({ts.holdout_source}) ...")
    run.candidate_metrics = engine.evaluate(model, ts.holdout, ts.departments)
    previous_metrics = None
    if previous_model is not None:
        previous_metrics = engine.evaluate(previous_model, ts.holdout, ts.departments)
        run.previous_metrics = previous_metrics
        del previous_model
    decision = decide(run.candidate_metrics, previous_metrics, force=run.forced)
    if active is not None and previous_metrics is None:
        decision = Decision(True, "the active model could not be loaded: replaced")
    if not decision.activate:
        return _finish(run, RunStatus.KEPT, decision.reason)
    mv = _activate(model, ts, run.candidate_metrics, trigger=run.trigger, actor=run.triggered_by)
    return _finish(run, RunStatus.ACTIVATED, decision.reason, model=mv)


@transaction.atomic
def activate_version(version: ModelVersion, *, actor) -> TrainingRun:
    """Make a stored older version active again (an administrator's roll-back), recorded as a run."""
    if not version.size_bytes:
        raise ValueError(f"routing model {version.version} is no longer stored")
    previous = ModelVersion.objects.select_for_update().filter(is_active=True).defer("blob").first()
    run = TrainingRun.objects.create(
        started_at=clock.now(),
        trigger=Trigger.ADMIN,
        triggered_by=actor,
        forced=True,
        previous_version=previous.version if previous else "",
        candidate_version=version.version,
        candidate_metrics=version.holdout_metrics,
        data_hash=version.data_hash,
        training_size=version.training_size,
    )
    if previous is not None and previous.pk != version.pk:
        ModelVersion.objects.filter(pk=previous.pk).update(is_active=False)
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True, activated_at=clock.now())
    transaction.on_commit(lambda: _publish(version.version))
    return _finish(run, RunStatus.ACTIVATED, "activated again by an administrator (roll-back)", model=version)
