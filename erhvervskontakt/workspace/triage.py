"""Walking a topic's triage tree and pre-filling the form its outcome leads to."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from erhvervskontakt.catalogue.models import TriageNode, TriageOutcome
from erhvervskontakt.inquiries.models import Matter

# Triage outcomes → the workspace action that carries them out.
OUTCOME_ACTIONS = {
    TriageOutcome.ANSWER: "answer",
    TriageOutcome.SEND_FORM: "send-links",
    TriageOutcome.FORWARD: "forward",
    TriageOutcome.CALLBACK: "callback",
}


def root_node(topic) -> TriageNode | None:
    return topic.triage_nodes.filter(parent=None).order_by("sort", "id").first()


def path_to(node: TriageNode) -> list[TriageNode]:
    """The nodes from the root down to ``node`` (the answers chosen so far)."""
    path = []
    seen = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        path.append(node)
        node = node.parent
    return list(reversed(path))


def public_guide_url(topic) -> str:
    try:
        return settings.SITE_URL + reverse("portal:topic", args=[topic.code])
    except NoReverseMatch:
        return ""


def form_url(topic) -> str:
    if topic.form_id is None:
        return ""
    try:
        return settings.SITE_URL + reverse("portal:form", args=[topic.form.code])
    except NoReverseMatch:
        return ""


def links_text(matter: Matter) -> str:
    """The guide, form and external links of the matter's topic, one per line, for an email."""
    topic = matter.topic
    lines = []
    if url := public_guide_url(topic):
        lines.append(f"{_('Guide')}: {topic.name}\n{url}")
    if url := form_url(topic):
        lines.append(f"{_('Form')}: {topic.form.name}\n{url}")
    for link in topic.links.all():
        lines.append(f"{link.title}\n{link.url}")
    return "\n\n".join(lines)


def prefill_for(action: str, matter: Matter, node: TriageNode | None) -> dict:
    """Initial form values for an action, from the triage answer and the inquiry."""
    inquiry = matter.inquiry
    answer = node.answer if node is not None else ""
    if action == "answer":
        return {"answer": answer}
    if action == "send-links":
        return {"text": "\n\n".join(part for part in (answer, links_text(matter)) if part)}
    if action == "forward":
        return {"wants": inquiry.text or inquiry.subject, "told": answer}
    if action == "callback":
        return {"note": inquiry.subject}
    return {}
