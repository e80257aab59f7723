import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "persona,url_name",
    [
        ("agent", "workspace:agent-home"),
        ("agent", "workspace:register"),
        ("agent", "workspace:unit-queue"),
        ("agent", "workspace:callbacks"),
        ("agent", "workspace:search"),
        ("caseworker_a", "workspace:unit-queue"),
        ("caseworker_a", "workspace:callbacks"),
        ("caseworker_a", "workspace:search"),
        ("manager", "workspace:search"),
        ("manager", "workspace:unit-queue"),
    ],
)
def test_pages_render(client_for, two_matters, persona, url_name):
    response = client_for(persona).get(reverse(url_name))
    assert response.status_code == 200, response.content[:2000]


def test_inquiry_pages_render(client_for, two_matters, triage_tree):
    client = client_for("agent")
    ref = two_matters.reference
    assert client.get(reverse("workspace:inquiry", args=[ref])).status_code == 200
    assert client.get(reverse("workspace:receipt", args=[ref])).status_code == 200
    matter = two_matters.matters.get(topic__code="udeservering")
    assert client.get(reverse("workspace:triage", args=[ref, matter.pk])).status_code == 200
    for action in [
        "claim",
        "assign",
        "reply",
        "call",
        "request-info",
        "business-replied",
        "close",
        "reopen",
        "answer",
        "send-links",
        "forward",
        "callback",
    ]:
        r = client.get(reverse("workspace:matter-action", args=[ref, matter.pk, action]))
        assert r.status_code == 200, (action, r.content[:3000])
    r = client.get(reverse("workspace:search") + "?q=restaurant")
    assert r.status_code == 200
    assert ref.encode() in r.content
