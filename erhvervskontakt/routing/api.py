"""The routing engine's one entry point for the workspace, the portal and email ingestion.

``route_text(text)`` returns ranked topic suggestions with scores, a confidence, the words
that drove the choice, the matters judged present and whether the top topic is a state
matter (then the suggestion names the authority and its link). Callers depend only on this
module's types.

Suggestions come from the active trained model (``routing.serving``); the first call after a
fresh set-up trains one. Only when no model can be trained (an empty catalogue) does this answer
by keyword overlap with the catalogue, with ``model_version == "keywords"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.routing import keywords, serving, topics


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float
    name: str
    unit: str
    department: str
    is_external: bool
    unit_code: str = ""
    # For a state matter (is_external): the authority and where the business goes.
    authority: str = ""
    link_url: str = ""
    link_title: str = ""


@dataclass(frozen=True)
class Routing:
    suggestions: list[Suggestion]
    confidence: float
    explanation: list[str] = field(default_factory=list)
    matters: list[str] = field(default_factory=list)
    is_external: bool = False
    needs_manual_triage: bool = True
    model_version: str = "keywords"

    @property
    def top(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None

    @property
    def external(self) -> Suggestion | None:
        """The top suggestion when it is a state matter (answer with its authority and link)."""
        return self.suggestions[0] if self.is_external and self.suggestions else None


def _suggestion(topic: Topic, score: float) -> Suggestion:
    info = topics.active_topics().get(topic.code)
    if info is None:  # deactivated a moment ago
        info = {"name": topic.name, "unit": topic.unit.name, "department": topic.department.code}
        info |= {"is_external": topic.is_external, "unit_code": topic.unit.code}
    return Suggestion(code=topic.code, score=float(score), **info)


def _keyword_route(text: str, limit: int) -> Routing:
    scored = keywords.keyword_scores(text)
    suggestions = [_suggestion(t, s) for s, t, _ in scored[:limit]]
    confidence = suggestions[0].score if suggestions else 0.0
    return Routing(
        suggestions=suggestions,
        confidence=confidence,
        explanation=scored[0][2] if scored else [],
        matters=[s.code for s in suggestions if s.score >= 0.25],
        is_external=bool(suggestions) and suggestions[0].is_external,
        needs_manual_triage=confidence < settings.ROUTING_TRIAGE_THRESHOLD,
        model_version=keywords.VERSION,
    )


def route_text(text: str, *, limit: int = 5) -> Routing:
    """Rank the catalogue's topics for a business's own words."""
    text = text or ""
    model, version = serving.ensure()
    if model is None:
        return _keyword_route(text, limit)
    if not text.strip():
        return Routing(suggestions=[], confidence=0.0, model_version=version)
    result = model.route(
        text,
        k=len(model.topics),
        triage_threshold=settings.ROUTING_TRIAGE_THRESHOLD,
        multi_threshold=settings.ROUTING_MULTI_THRESHOLD,
    )
    # Topics deactivated or removed since the model was trained are skipped.
    active = topics.active_topics()
    suggestions = [
        Suggestion(code=code, score=float(score), **active[code])
        for code, score in zip(result.topics, result.scores, strict=True)
        if code in active
    ][:limit]
    top_kept = bool(suggestions) and suggestions[0].code == result.topics[0]
    return Routing(
        suggestions=suggestions,
        confidence=float(result.confidence) if top_kept else 0.0,
        explanation=list(result.explanation) if top_kept else [],
        matters=[c for c in result.matters if c in active],
        is_external=bool(suggestions) and suggestions[0].is_external,
        needs_manual_triage=bool(result.needs_triage) or not top_kept,
        model_version=version,
    )
