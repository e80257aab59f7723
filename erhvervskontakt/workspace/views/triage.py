"""The agent's guided menu for one matter: question → choices → outcome → action."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from erhvervskontakt.catalogue.models import TriageNode
from erhvervskontakt.inquiries import access
from erhvervskontakt.organisation.roles import Role
from erhvervskontakt.workspace.decorators import role_required
from erhvervskontakt.workspace.triage import OUTCOME_ACTIONS, path_to, public_guide_url, root_node
from erhvervskontakt.workspace.views.common import inquiry_for, matter_for, matters_to_triage


@role_required(Role.AGENT)
def walk(request, reference: str, matter_id: int):
    inquiry = inquiry_for(request, reference)
    matter = matter_for(request, inquiry, matter_id)
    access.require(access.can_act_on_matter(request.user, matter))
    topic = matter.topic
    node_id = request.GET.get("node", "")
    if node_id:
        if not node_id.isdigit():
            raise Http404
        node = TriageNode.objects.filter(pk=int(node_id), topic=topic).first()
        if node is None:
            raise Http404
    else:
        node = root_node(topic)
    children = list(node.children.order_by("sort", "id")) if node else []
    remaining = [m for m in matters_to_triage(inquiry) if m.pk != matter.pk]
    return render(
        request,
        "workspace/triage.html",
        {
            "inquiry": inquiry,
            "matter": matter,
            "topic": topic,
            "node": node,
            "children": children,
            "path": path_to(node)[1:] if node else [],
            "outcome_action": OUTCOME_ACTIONS.get(node.outcome)
            if node and node.outcome and not children
            else "",
            "guide_url": public_guide_url(topic),
            "all_matters": inquiry.matters.select_related("topic", "unit").order_by("pk"),
            "remaining": remaining,
        },
    )
