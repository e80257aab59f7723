"""Routing engine: scoring a model on labelled texts with the acceptance scorer's definitions, and
the rule for replacing a model (pure Python, no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .routing_model import RoutingModel


def evaluate(
    model: RoutingModel,
    gold_rows: Iterable[Mapping],
    departments: Mapping[str, str] | None = None,
    *,
    predictions: Mapping[str, Sequence[str]] | None = None,
) -> dict:
    """top1/top3/department accuracy and multi-matter recall@(k+1), exactly as ``score.py`` counts.

    ``gold_rows`` are {"id", "text", "topics": [primary, ...]}. ``departments`` maps topic → department
    (defaults to the model's topics_meta). ``predictions`` (id → ranked codes) skips routing.
    """
    dept = (
        dict(departments)
        if departments is not None
        else {c: m.get("department", "") for c, m in model.topics_meta.items()}
    )
    n = top1 = top3 = dep = 0
    multi_n = 0
    multi_hit = 0.0
    for g in gold_rows:
        if predictions is not None:
            ranked = list(predictions[g["id"]])
        else:
            ranked = model.route(g["text"], explain=False).topics
        gold = list(g["topics"])
        n += 1
        ok1 = bool(ranked) and ranked[0] in gold
        top1 += ok1
        top3 += any(t in gold for t in ranked[:3])
        dep += bool(ranked) and dept.get(ranked[0]) in {dept.get(t) for t in gold}
        if len(gold) > 1:
            k = len(gold) + 1
            multi_n += 1
            multi_hit += sum(t in ranked[:k] for t in gold) / len(gold)
    if n == 0:
        return {"n": 0, "top1": 0.0, "top3": 0.0, "dept": 0.0, "multi": 1.0, "multi_n": 0}
    return {
        "n": n,
        "top1": top1 / n,
        "top3": top3 / n,
        "dept": dep / n,
        "multi": multi_hit / multi_n if multi_n else 1.0,
        "multi_n": multi_n,
    }


def format_metrics(m: Mapping) -> str:
    """The lines ``score.py`` prints (without --show-errors), for ``route_eval``."""
    return "\n".join(
        [
            f"inquiries: {m['n']}",
            f"top1 topic accuracy: {m['top1']:.3f}",
            f"top3 topic accuracy: {m['top3']:.3f}",
            f"department accuracy (top1): {m['dept']:.3f}",
            f"multi-matter recall@(k+1): {m['multi']:.3f} over {m['multi_n']}",
            f"top1={m['top1']:.3f} top3={m['top3']:.3f} dept={m['dept']:.3f} multi={m['multi']:.3f}",
        ]
    )


def is_not_worse(
    new: Mapping,
    old: Mapping | None,
    *,
    keys: Sequence[str] = ("top1", "top3", "dept", "multi"),
    tolerance: float = 0.0,
) -> bool:
    """Model-replacement rule: the new model's held-back metrics are each ≥ the old's (− tolerance)."""
    if not old:
        return True
    return all(float(new.get(k, 0.0)) >= float(old.get(k, 0.0)) - tolerance for k in keys if k in old)
