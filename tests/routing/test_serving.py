"""The model in a serving process: loaded once per version, switched when another process activates
a new one (within ROUTING_CHECK_SECONDS), trained on first use, keyword fallback for an empty catalogue."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from erhvervskontakt.routing import serving, training
from erhvervskontakt.routing.api import route_text
from erhvervskontakt.routing.models import ModelVersion, TrainingRun, Trigger

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def mono(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(serving.time, "monotonic", clock)
    return clock


@pytest.fixture
def loads(monkeypatch):
    calls = []
    real = training.load_model

    def counting(version):
        if isinstance(version, str):  # serving loads by name; training compares with the active row
            calls.append(version)
        return real(version)

    monkeypatch.setattr(training, "load_model", counting)
    return calls


def test_first_suggestion_without_a_model_trains_one(catalogue):
    routing = route_text("borde og stole på fortovet")
    assert routing.top.code == "udeservering"
    run = TrainingRun.objects.get()
    assert run.trigger == Trigger.FIRST_USE and routing.model_version == run.model.version


def test_the_model_is_loaded_once_and_switched_when_a_new_version_is_activated(
    catalogue, mono, loads, settings
):
    first = training.retrain().model
    serving.reset()
    cache.clear()
    assert route_text("skilt").model_version == first.version
    assert route_text("udeservering").model_version == first.version
    assert loads == [first.version]  # once, not per call

    # Another process activates a new model; its commit tells the shared cache.
    second = training.retrain(force=True).model
    cache.set(training.ACTIVE_KEY, second.version, settings.ROUTING_CHECK_SECONDS)
    mono.now += 5
    assert route_text("skilt").model_version == first.version  # not looked at again yet
    mono.now += settings.ROUTING_CHECK_SECONDS
    assert route_text("skilt").model_version == second.version
    assert route_text("skilt").model_version == second.version
    assert loads == [first.version, second.version]


def test_a_version_named_by_a_stale_cache_is_checked_in_the_database(catalogue, mono):
    current = training.retrain().model
    serving.reset()
    cache.set(training.ACTIVE_KEY, "1.0-gone", 30)
    assert route_text("skilt").model_version == current.version


def test_without_a_cached_name_the_database_says_which_version_is_active(catalogue, mono, loads, settings):
    first = training.retrain().model
    serving.reset()
    cache.clear()
    route_text("skilt")
    ModelVersion.objects.filter(pk=first.pk).update(is_active=False)
    other = training.retrain(force=True).model
    cache.clear()  # the cache entry expired
    mono.now += settings.ROUTING_CHECK_SECONDS + 1
    assert route_text("skilt").model_version == other.version


def test_an_empty_catalogue_falls_back_to_keywords_without_retrying_every_call(db, monkeypatch):
    assert route_text("skilt").model_version == "keywords"
    calls = []
    monkeypatch.setattr(training, "retrain", lambda **kw: calls.append(kw))
    assert route_text("skilt").suggestions == []
    assert calls == []  # the failure is remembered for ROUTING_CHECK_SECONDS


def test_a_failing_first_training_falls_back_to_keywords(catalogue, monkeypatch):
    def broken(**kwargs):
        raise MemoryError("no room")

    monkeypatch.setattr(training, "retrain", broken)
    routing = route_text("A-skilt")
    assert routing.model_version == "keywords" and routing.top.code == "skilte"


def test_an_active_model_that_cannot_be_loaded_is_replaced_by_a_new_one(catalogue):
    broken = training.retrain().model
    ModelVersion.objects.filter(pk=broken.pk).update(blob=b"not a pickle", size_bytes=12)
    serving.reset()
    cache.clear()
    routing = route_text("A-skilt på fortovet")
    assert routing.top.code == "skilte" and routing.model_version not in ("keywords", broken.version)
    run = TrainingRun.objects.latest("id")
    assert run.trigger == Trigger.FIRST_USE and "could not be loaded" in run.reason


def test_after_a_catalogue_edit_the_next_suggestion_checks_the_active_model(catalogue, org):
    from erhvervskontakt.catalogue.models import Topic

    served = training.retrain().model
    assert route_text("skilt").model_version == served.version
    ModelVersion.objects.all().delete()  # e.g. a database restored from before any training
    Topic.objects.create(
        code="film", department=org.tmf, unit=org.unit_a, name_da="Filmoptagelser", keywords="film\noptagelse"
    )
    routing = route_text("filmoptagelse på gaden")
    assert routing.model_version not in (served.version, "keywords") and routing.top.code == "film"
