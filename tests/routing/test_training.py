"""Training from the database, the replacement rule, learning from staff decisions, and the record
of every run. Uses the small fixture catalogue (fast training) with a small evaluation set."""

from __future__ import annotations

import pytest

from erhvervskontakt.inquiries import services
from erhvervskontakt.routing import datasets, engine, tasks, training
from erhvervskontakt.routing.api import route_text
from erhvervskontakt.routing.models import ModelVersion, RunStatus, TrainingRun, Trigger
from tests import factories

pytestmark = pytest.mark.django_db

EVALUATION = [
    {"id": "v1", "text": "borde og stole på fortovet", "topics": ["udeservering"]},
    {"id": "v2", "text": "udeservering foran caféen", "topics": ["udeservering"]},
    {"id": "v3", "text": "et A-skilt ved døren", "topics": ["skilte"]},
    {"id": "v4", "text": "skat og moms", "topics": ["ekstern-skat"]},
    {"id": "v5", "text": "alkoholbevilling til bar", "topics": ["alkoholbevilling"]},
]


@pytest.fixture
def small_evaluation(monkeypatch):
    monkeypatch.setattr(datasets, "load_evaluation_rows", lambda path=None: [dict(r) for r in EVALUATION])


def staff_decision(topic, text, actor, subject="Spørgsmål"):
    """A single-matter inquiry an agent answered under ``topic``: one labelled example."""
    inquiry = factories.register([topic], actor=actor, subject=subject, text=text, send_receipt=False)
    matter = inquiry.matters.get()
    services.matter_answer_first_contact(matter, actor=actor, answer="Svar givet i telefonen")
    return matter


def blank(topic):
    """Make a topic unrecognisable (an editor's bad day)."""
    topic.name_da, topic.name_en, topic.summary_da, topic.summary_en, topic.keywords = "Xyz", "", "", "", ""
    topic.save()


def test_first_model_is_always_activated_and_recorded(catalogue, small_evaluation):
    run = training.retrain(trigger=Trigger.COMMAND)
    assert run.status == RunStatus.ACTIVATED and "first model" in run.reason
    mv = ModelVersion.objects.get(is_active=True)
    assert run.model == mv and run.finished_at and run.trigger == Trigger.COMMAND
    assert mv.n_topics == 6 and mv.training_size == run.training_size > 0
    assert mv.training_sources["catalogue"] > 0 and mv.training_sources["staff"] == 0
    assert mv.holdout_source == "shipped" and mv.holdout_metrics["n"] == len(EVALUATION)
    assert mv.size_bytes == len(bytes(ModelVersion.objects.get(pk=mv.pk).blob)) > 0
    assert engine.RoutingModel.from_bytes(bytes(ModelVersion.objects.get(pk=mv.pk).blob)).topics


def test_unchanged_data_skips_training_unless_forced(catalogue, small_evaluation):
    first = training.retrain()
    again = training.retrain()
    assert again.status == RunStatus.UNCHANGED and again.previous_version == first.model.version
    forced = training.retrain(force=True)
    assert forced.status == RunStatus.ACTIVATED and forced.model.version != first.model.version
    assert ModelVersion.objects.filter(is_active=True).get() == forced.model


def test_better_replaces_worse_does_not(catalogue, small_evaluation):
    keywords = catalogue.udeservering.keywords
    blank(catalogue.udeservering)
    weak = training.retrain()
    assert weak.status == RunStatus.ACTIVATED  # the first model, however weak
    assert weak.candidate_metrics["top1"] < 1.0

    catalogue.udeservering.name_da = "Udeservering på fortove og pladser"
    catalogue.udeservering.keywords = keywords
    catalogue.udeservering.save()
    better = training.retrain()
    assert better.status == RunStatus.ACTIVATED and "not worse" in better.reason
    assert better.candidate_metrics["top1"] > better.previous_metrics["top1"]
    assert better.previous_version == weak.model.version

    blank(catalogue.udeservering)
    worse = training.retrain()
    assert worse.status == RunStatus.KEPT and "worse" in worse.reason and worse.model is None
    assert worse.candidate_metrics["top1"] < worse.previous_metrics["top1"]
    assert ModelVersion.objects.get(is_active=True) == better.model
    assert not ModelVersion.objects.filter(version=worse.candidate_version).exists()

    forced = training.retrain(force=True)
    assert forced.status == RunStatus.ACTIVATED and forced.forced


def test_replacement_rule_on_scores():
    old = {"n": 10, "top1": 0.9, "top3": 1.0, "dept": 0.95, "multi": 0.9}
    assert training.decide(old, None).activate
    assert training.decide(dict(old), old).activate  # equal is not worse
    assert not training.decide({**old, "top1": 0.89}, old).activate
    assert not training.decide({**old, "top1": 0.99, "multi": 0.8}, old).activate  # every metric counts
    assert training.decide({**old, "top1": 0.89}, old, tolerance=0.02).activate
    assert training.decide({**old, "top1": 0.1}, old, force=True).activate


def test_a_staff_decision_is_learnt_by_the_next_training(
    catalogue, agent, small_evaluation, settings, django_capture_on_commit_callbacks
):
    settings.ROUTING_HOLDOUT_PERCENT = 1  # nearly every decision trains (the split is by matter id)
    training.retrain()
    before = route_text("zorblaxer")
    assert before.top.code != "miljoe" or before.needs_manual_triage
    matters = [staff_decision(catalogue.miljoe, f"zorblaxer {w}", agent) for w in ("kontor", "lager", "hal")]
    ts = datasets.build_training_set()
    trained_on = [e for e in ts.examples if e.source == "staff"]
    assert {e.topic for e in trained_on} == {"miljoe"}
    assert len(trained_on) == sum(not datasets.is_held_back(m.pk) for m in matters) > 0
    with django_capture_on_commit_callbacks(execute=True):  # the commit tells serving processes
        run = training.retrain()
    assert run.status == RunStatus.ACTIVATED and run.training_sources["staff"] == len(trained_on)
    after = route_text("zorblaxer")
    assert after.top.code == "miljoe" and after.model_version == run.model.version
    assert "zorblaxer" in after.explanation


def test_held_back_decisions_are_never_trained_on(catalogue, agent, small_evaluation, settings):
    settings.ROUTING_HOLDOUT_PERCENT = 50
    settings.ROUTING_MIN_STAFF_HOLDOUT = 2
    matters = [staff_decision(catalogue.skilte, f"skilt nummer {i}", agent) for i in range(10)]
    held = {f"matter-{m.pk}" for m in matters if datasets.is_held_back(m.pk)}
    ts = datasets.build_training_set()
    assert {r["id"] for r in ts.holdout} == held
    assert ts.holdout_source == ("staff" if len(held) >= 2 else "shipped+staff")
    staff_texts = {e.text for e in ts.examples if e.source == "staff"}
    assert len(staff_texts) == 10 - len(held)
    assert all(datasets.is_held_back(m.pk) == datasets.is_held_back(m.pk) for m in matters)  # stable


def test_holdout_split_is_deterministic_and_about_the_share():
    share = sum(datasets.is_held_back(i, 20) for i in range(5000)) / 5000
    assert 0.17 < share < 0.23
    assert [datasets.is_held_back(i, 20) for i in range(50)] == [
        datasets.is_held_back(i, 20) for i in range(50)
    ]


def test_editors_changes_in_the_database_are_the_training_data(catalogue):
    before = datasets.build_training_set()
    catalogue.skilte.examples = "Må jeg hænge et banner op på facaden?"
    catalogue.skilte.save()
    after = datasets.build_training_set()
    assert after.data_hash != before.data_hash
    assert any(
        e.text == "Må jeg hænge et banner op på facaden?" and e.topic == "skilte" for e in after.examples
    )
    catalogue.generel.is_active = False
    catalogue.generel.save()
    assert "generel" not in datasets.build_training_set().topics_meta


def test_the_database_catalogue_trains_exactly_what_the_shipped_files_hold(shipped_catalogue):
    topics_dir = datasets.DATA_DIR.parent.parent / "catalogue" / "data" / "topics"
    from_files, meta_files = engine.examples_from_topics(engine.load_topic_files(str(topics_dir)))
    ts = datasets.build_training_set()
    catalogue_rows = [e for e in ts.examples if e.source.startswith("catalogue")]
    assert sorted(map(tuple, map(vars, catalogue_rows))) == sorted(map(tuple, map(vars, from_files)))
    assert {c: m["department"] for c, m in meta_files.items()} == ts.departments


def test_only_one_training_at_a_time(catalogue):
    from django.core.cache import cache

    cache.add(training.LOCK_KEY, "someone else", 60)
    run = training.retrain()
    assert run.status == RunStatus.BUSY and not ModelVersion.objects.exists()


def test_an_empty_catalogue_cannot_be_trained(db):
    with pytest.raises(training.NothingToTrain):
        training.retrain()
    assert TrainingRun.objects.get().status == RunStatus.FAILED


def test_old_versions_lose_their_bytes_but_keep_their_record(catalogue, small_evaluation, settings):
    settings.ROUTING_KEEP_MODELS = 2
    versions = [training.retrain(force=True).model for _ in range(3)]
    stored = dict(ModelVersion.objects.values_list("version", "size_bytes"))
    assert (
        stored[versions[0].version] == 0
        and stored[versions[1].version] > 0
        and stored[versions[2].version] > 0
    )


def test_roll_back_to_a_stored_version(catalogue, small_evaluation, administrator):
    first = training.retrain().model
    second = training.retrain(force=True).model
    run = training.activate_version(first, actor=administrator)
    assert run.status == RunStatus.ACTIVATED and run.previous_version == second.version
    assert ModelVersion.objects.get(is_active=True) == first
    assert run.triggered_by == administrator


@pytest.fixture
def administrator(personas):
    return personas.administrator


def test_the_nightly_task_trains_and_then_skips(catalogue, small_evaluation):
    assert tasks.retrain_model.delay().get() == RunStatus.ACTIVATED
    assert tasks.retrain_model.delay().get() == RunStatus.UNCHANGED
    assert set(TrainingRun.objects.values_list("trigger", flat=True)) == {Trigger.SCHEDULE}


def test_the_schedule_runs_the_task_nightly():
    from erhvervskontakt.celery import app
    from erhvervskontakt.routing.schedule import SCHEDULE

    entry = SCHEDULE["routing-retrain"]
    assert entry["task"] == "routing.retrain" and entry["task"] in app.tasks
