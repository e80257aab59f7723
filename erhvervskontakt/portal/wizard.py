"""The project wizard: "I want to open a restaurant" → questions → every matter that applies.

Projects and questions are data (``portal/data/wizard.yaml``); the topics they name come from
the catalogue, so processing times, units and links are always the catalogue's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.portal.forms_spec import text_in

WIZARD_FILE = Path(__file__).resolve().parent / "data" / "wizard.yaml"


@dataclass(frozen=True)
class Question:
    code: str
    text: Any
    help: Any
    # Topics a "yes" adds (the YAML key is not "yes": YAML 1.1 would read that as true).
    adds: tuple[str, ...]

    def label(self) -> str:
        return text_in(self.text)

    def help_text(self) -> str:
        return text_in(self.help)


@dataclass(frozen=True)
class Project:
    code: str
    title: Any
    intro: Any
    always: tuple[str, ...]
    questions: tuple[Question, ...]

    def name(self) -> str:
        return text_in(self.title)

    def intro_text(self) -> str:
        return text_in(self.intro)


@lru_cache(maxsize=1)
def projects() -> tuple[Project, ...]:
    with WIZARD_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return tuple(
        Project(
            code=p["code"],
            title=p["title"],
            intro=p.get("intro"),
            always=tuple(p.get("always") or ()),
            questions=tuple(
                Question(code=q["code"], text=q["text"], help=q.get("help"), adds=tuple(q.get("adds") or ()))
                for q in p.get("questions") or ()
            ),
        )
        for p in data["projects"]
    )


def project(code: str) -> Project | None:
    return next((p for p in projects() if p.code == code), None)


def parse_answers(proj: Project, params) -> tuple[dict[str, bool], dict[str, str]]:
    """Yes/no answers from the query string, and an error for each unanswered question."""
    answers: dict[str, bool] = {}
    errors: dict[str, str] = {}
    for q in proj.questions:
        value = params.get(q.code, "")
        if value in ("yes", "no"):
            answers[q.code] = value == "yes"
        else:
            errors[q.code] = _("Answer yes or no.")
    return answers, errors


def topic_codes_for(proj: Project, answers: dict[str, bool]) -> list[str]:
    codes = list(proj.always)
    for q in proj.questions:
        if answers.get(q.code):
            codes.extend(q.adds)
    return list(dict.fromkeys(codes))


def matters_for(proj: Project, answers: dict[str, bool]) -> tuple[list[Topic], list[Topic]]:
    """(city topics, state topics) that apply, in the wizard's order; unknown codes are skipped."""
    codes = topic_codes_for(proj, answers)
    topics = {
        t.code: t
        for t in Topic.objects.filter(code__in=codes, is_active=True)
        .select_related("unit", "unit__contact_person", "department")
        .prefetch_related("links")
    }
    ordered = [topics[c] for c in codes if c in topics]
    return [t for t in ordered if not t.is_external], [t for t in ordered if t.is_external]
