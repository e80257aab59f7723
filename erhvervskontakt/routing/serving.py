"""The active routing model in a serving process: loaded once, kept by version, switched when the
active version changes.

A process asks which version is active at most every ``ROUTING_CHECK_SECONDS`` (through the shared
cache, falling back to one small database query), so all web and worker processes move to a newly
activated model within about that time, without reading the model's bytes again unless it changed.
When there is no model at all (the first suggestion after a fresh set-up), the process trains one;
other processes wait for it for a while rather than train the same model in parallel.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

from erhvervskontakt.routing import engine
from erhvervskontakt.routing.models import ModelVersion, RunStatus, Trigger

log = logging.getLogger(__name__)

_lock = threading.RLock()
_state: dict = {"version": "", "model": None, "checked": float("-inf"), "failed_until": float("-inf")}


def reset() -> None:
    """Forget the loaded model (tests; a process that must re-read everything)."""
    with _lock:
        _state.update(version="", model=None, checked=float("-inf"), failed_until=float("-inf"))


def forget_check() -> None:
    """Look at the active version on the next call (after this process activated one)."""
    with _lock:
        _state["checked"] = float("-inf")


def catalogue_changed(**_kwargs) -> None:
    """A topic, link, unit or department was saved here: look at the active version on the next call.

    The active model does not change with the catalogue, so in production this costs one small query;
    it keeps a process from answering with a model of a catalogue it no longer has (a test database
    rolled back under a long-lived test process, or a database restored from a backup).
    """
    from erhvervskontakt.routing.training import ACTIVE_KEY

    forget_check()
    cache.delete(ACTIVE_KEY)


def _active_version_name() -> str:
    from erhvervskontakt.routing.training import ACTIVE_KEY

    name = cache.get(ACTIVE_KEY)
    if name is None:
        name = ModelVersion.objects.filter(is_active=True).values_list("version", flat=True).first() or ""
        cache.set(ACTIVE_KEY, name, settings.ROUTING_CHECK_SECONDS)
    return name


def current() -> tuple[engine.RoutingModel | None, str]:
    """The active model and its version, or (None, "") when no model has been trained."""
    from erhvervskontakt.routing.training import ACTIVE_KEY, load_model

    now = time.monotonic()
    with _lock:
        if _state["model"] is not None and now - _state["checked"] < settings.ROUTING_CHECK_SECONDS:
            return _state["model"], _state["version"]
        name = _active_version_name()
        _state["checked"] = now
        if name and name != _state["version"]:
            try:
                try:
                    model = load_model(name)
                except ModelVersion.DoesNotExist:
                    # The cache named a version the database no longer has: ask the database itself.
                    cache.delete(ACTIVE_KEY)
                    name = _active_version_name()
                    model = load_model(name) if name else None
            except Exception:
                # E.g. a model pickled by an older engine: serve nothing from it; ensure() trains a
                # new one, which replaces an active model that cannot be loaded.
                log.error("routing: the active model %s cannot be loaded", name, exc_info=True)
                _state.update(version="", model=None)
                return None, ""
            _state.update(version=name if model else "", model=model)
            if model is not None:
                log.info("routing: serving model %s", name)
        elif not name:
            _state.update(version="", model=None)
        return _state["model"], _state["version"]


def ensure() -> tuple[engine.RoutingModel | None, str]:
    """The active model; train the first one if none exists. (None, "") only when no model can be
    trained (empty catalogue) or the first training failed or did not finish in time."""
    model, version = current()
    if model is not None:
        return model, version
    if time.monotonic() < _state["failed_until"]:
        return None, ""
    from erhvervskontakt.routing.training import NothingToTrain, retrain

    try:
        run = retrain(trigger=Trigger.FIRST_USE)
    except NothingToTrain:
        log.warning("routing: the catalogue is empty; suggestions use keyword matching")
        _state["failed_until"] = time.monotonic() + settings.ROUTING_CHECK_SECONDS
        return None, ""
    except Exception:
        log.error("routing: training the first model failed; suggestions use keyword matching", exc_info=True)
        _state["failed_until"] = time.monotonic() + settings.ROUTING_CHECK_SECONDS
        return None, ""
    if run.status == RunStatus.BUSY:
        _wait_for_first_model()
    forget_check()
    from erhvervskontakt.routing.training import ACTIVE_KEY

    cache.delete(ACTIVE_KEY)  # the run's own publish waits for a commit that may be far away
    return current()


def _wait_for_first_model() -> None:
    deadline = time.monotonic() + settings.ROUTING_FIRST_MODEL_WAIT_SECONDS
    while time.monotonic() < deadline:
        if ModelVersion.objects.filter(is_active=True).exists():
            return
        time.sleep(1.0)
    log.warning("routing: no model after waiting for another process's training; using keyword matching")
