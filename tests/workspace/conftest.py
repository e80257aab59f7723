"""Workspace fixtures: logged-in clients per persona, a triage tree and ready-made inquiries."""

from __future__ import annotations

import pytest
from django.test import Client

from erhvervskontakt.catalogue.models import Topic, TriageNode, TriageOutcome
from erhvervskontakt.routing.api import Routing, Suggestion
from tests import factories


@pytest.fixture
def client_for(personas):
    """``client_for("caseworker_a")``: a test client logged in as that persona (English UI)."""

    def make(name: str) -> Client:
        # English pages: the assertions use the msgids, which stay when Danish translations land.
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(getattr(personas, name))
        return client

    return make


@pytest.fixture
def triage_tree(catalogue):
    """Outdoor serving: one question, choices ending in each of the four outcomes."""
    topic = catalogue.udeservering
    root = TriageNode.objects.create(
        topic=topic, question_da="Hvad drejer det sig om?", question_en="What is it about?"
    )
    leaves = {}
    for sort, (label, outcome, answer) in enumerate(
        [
            ("Fornyelse", TriageOutcome.ANSWER, "Tilladelsen fornyes automatisk."),
            ("Ny udeservering", TriageOutcome.SEND_FORM, "Send formularen for udeservering."),
            ("Afslag eller bøde", TriageOutcome.FORWARD, "Videresend til Byens Anvendelse."),
            ("Kompliceret sag", TriageOutcome.CALLBACK, "Aftal et opkald fra en sagsbehandler."),
        ]
    ):
        leaves[outcome] = TriageNode.objects.create(
            topic=topic,
            parent=root,
            sort=sort,
            label_da=label,
            label_en=label,
            outcome=outcome,
            answer_da=answer,
        )
    topic.guidance_internal_da = "Spørg om adresse og CVR-nummer."
    topic.save()
    return root, leaves


@pytest.fixture
def restaurant(business):
    """A phone inquiry about outdoor serving and an alcohol licence, both still with the contact centre."""
    return business


@pytest.fixture
def two_matters(catalogue, agent, business):
    return factories.register(
        [catalogue.udeservering, catalogue.alkoholbevilling], actor=agent, business=business
    )


def _keyword_routing(text: str, *, limit: int = 5) -> Routing:
    """A stand-in for the routing engine: topics whose code or keywords occur in the text.

    The real ``route_text`` trains a model on first use (seconds); the workspace's own tests
    need suggestions, not a trained model. ``test_register`` runs the real one once.
    """
    words = (text or "").lower()
    hits = [
        topic
        for topic in Topic.objects.filter(is_active=True).select_related("unit", "department")
        if any(k.lower() in words for k in [topic.code, *topic.keyword_list()])
    ]
    suggestions = [
        Suggestion(
            code=t.code,
            score=1 / len(hits),
            name=t.name,
            unit=t.unit.name,
            department=t.department.code,
            is_external=t.is_external,
        )
        for t in hits[:limit]
    ]
    return Routing(
        suggestions=suggestions,
        confidence=suggestions[0].score if suggestions else 0.0,
        explanation=[w for w in words.split() if any(w in t.keywords.lower() for t in hits)][:5],
    )


@pytest.fixture
def real_routing():
    """Ask for this fixture to use the real routing engine in a test."""


@pytest.fixture(autouse=True)
def _fast_routing(request, monkeypatch):
    if "real_routing" not in request.fixturenames:
        monkeypatch.setattr("erhvervskontakt.workspace.views.agent.route_text", _keyword_routing)
