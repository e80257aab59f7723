"""Fixtures for the routing app: one model trained from the shipped catalogue per test session
(cached on disk between sessions, keyed by the engine's code and the shipped data), installed as
the active model where a test needs the real catalogue; the small fixture catalogue elsewhere."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path

import pytest
import sklearn
from django.core.cache import cache

from erhvervskontakt.catalogue import io as catalogue_io
from erhvervskontakt.routing import datasets, engine, serving, topics, training
from erhvervskontakt.routing.models import Trigger

ROOT = Path(__file__).resolve().parents[2]
ROUTING_DIR = ROOT / "erhvervskontakt" / "routing"


def _shipped_key() -> str:
    h = hashlib.sha256(sklearn.__version__.encode())
    # Every module of the app: the engine is split over several, and any of them changes the model.
    paths = sorted(ROUTING_DIR.glob("*.py"))
    paths += sorted((ROUTING_DIR / "data").glob("*.*"))
    paths += sorted((catalogue_io.DATA_DIR / "topics").glob("*.yaml"))
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def train_shipped() -> engine.RoutingModel:
    """The model the product trains from the shipped catalogue (no staff decisions), without a database."""
    docs = [
        datasets.engine_doc(item) for item in sorted(catalogue_io.default_topics(), key=lambda i: i["code"])
    ]
    examples, meta = engine.examples_from_topics(docs)
    examples += [e for e in datasets.shipped_extra_examples() if e.topic in meta]
    return engine.train(examples, meta, keywords=engine.keyword_phrases(docs))


@pytest.fixture(scope="session")
def shipped_model(request) -> engine.RoutingModel:
    cache_dir = None
    with contextlib.suppress(AttributeError):  # -p no:cacheprovider
        cache_dir = Path(request.config.cache.mkdir("routing-model"))
    path = cache_dir / f"{_shipped_key()}.pickle" if cache_dir else None
    if path is not None and path.exists():
        try:
            return engine.RoutingModel.from_bytes(path.read_bytes())
        except (OSError, pickle.UnpicklingError, TypeError, EOFError, AttributeError):
            pass  # stale or half-written by another worker: train again
    model = train_shipped()
    if path is not None:
        for old in cache_dir.glob("*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        # Written whole, then renamed: parallel workers (pytest -n) never read half a file.
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(model.to_bytes())
        os.replace(tmp, path)
    return model


@pytest.fixture(autouse=True)
def _fresh_serving():
    """Every test starts with no model loaded in this process and an empty shared cache."""
    serving.reset()
    topics.clear()
    cache.clear()
    yield
    serving.reset()
    topics.clear()
    cache.clear()


def install(model: engine.RoutingModel, *, metrics: dict | None = None):
    """Store ``model`` as the active version for the catalogue in the database, as training would."""
    ts = datasets.build_training_set()
    mv = training._activate(model, ts, metrics or {}, trigger=Trigger.COMMAND, actor=None)
    serving.reset()
    cache.clear()
    return mv


@pytest.fixture
def shipped_catalogue(db):
    """The shipped organisation, themes and topics in the database."""
    catalogue_io.load_default_catalogue()


@pytest.fixture
def shipped_active(shipped_catalogue, shipped_model):
    """The shipped catalogue with the session's model active."""
    return install(shipped_model)
