"""Issue 2's acceptance story, end to end through the workspace with the Django test client.

An agent registers a phone inquiry from a restaurant owner about outdoor serving and an alcohol
licence and forwards both matters; the receipt names both units and dates; the TMF caseworker
sees only the outdoor-serving matter as actionable, asks for a drawing (the due date pauses),
records the owner's answer (it resumes, moved by the working days lost) and closes; a second
forward needs a reason and shows in the transfer count.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from erhvervskontakt.catalogue.models import TriageOutcome
from erhvervskontakt.core import clock, workdays
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import EventKind, MatterStatus
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage


def at(day: int, month: int = 3, hour: int = 10):
    return time_machine.travel(dt.datetime(2026, month, day, hour, tzinfo=clock.COPENHAGEN), tick=False)


def text_of(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_restaurant_owner_story(client_for, catalogue, triage_tree, business, org, personas):
    company, owner = business
    agent = client_for("agent")
    _root, leaves = triage_tree

    with at(2):  # Monday 2 March 2026, the owner calls
        # The screen-pop links to the register page with the caller's number: the owner is found.
        page = agent.get(
            reverse("workspace:register"), {"channel": "phone", "phone": owner.phone, "note": "Ny restaurant"}
        )
        assert page.status_code == 200
        party = f"c{company.pk}p{owner.pk}"
        assert f'value="{party}" checked' in text_of(page)

        response = agent.post(
            reverse("workspace:register"),
            {
                "channel": "phone",
                "party": party,
                "subject": "Ny restaurant: udeservering og alkoholbevilling",
                "text": "Vil have borde på fortovet og servere vin udenfor",
                "topics": ["udeservering", "alkoholbevilling"],
                "language": "da",
            },
        )
        inquiry = Inquiry.objects.get()
        outdoor = inquiry.matters.get(topic=catalogue.udeservering)
        alcohol = inquiry.matters.get(topic=catalogue.alkoholbevilling)
        assert response.status_code == 302
        assert response["Location"] == reverse("workspace:triage", args=[inquiry.reference, outdoor.pk])

        # Guided menu: the forward branch recommends forwarding to Byens Anvendelse.
        menu = agent.get(response["Location"], {"node": leaves[TriageOutcome.FORWARD].pk})
        assert "Videresend til Byens Anvendelse." in text_of(menu)
        forward_url = reverse("workspace:matter-action", args=[inquiry.reference, outdoor.pk, "forward"])
        assert (
            agent.get(forward_url, {"node": leaves[TriageOutcome.FORWARD].pk, "next": "triage"}).status_code
            == 200
        )
        response = agent.post(
            forward_url,
            {
                "next": "triage",
                "to_unit": org.unit_a.pk,
                "wants": "Udeservering med 6 borde foran restauranten",
                "told": "Svar inden for 20 arbejdsdage",
                "documents": "Målfast tegning mangler",
            },
        )
        assert response["Location"] == reverse("workspace:triage", args=[inquiry.reference, alcohol.pk])
        response = agent.post(
            reverse("workspace:matter-action", args=[inquiry.reference, alcohol.pk, "forward"]),
            {"next": "triage", "to_unit": org.unit_b.pk, "wants": "Alkoholbevilling inkl. udeservering"},
        )
        assert response["Location"] == reverse("workspace:receipt", args=[inquiry.reference])

        # The receipt (printable, and by email) names both units and both dates.
        receipt = text_of(agent.get(response["Location"]))
        email = OutboundMessage.objects.get(kind=MessageKind.RECEIPT, reference=inquiry.reference).body_text
        for text in (receipt, email):
            assert "Byens Anvendelse" in text and "Bevillingssekretariatet" in text
            assert "30-03-2026" in text and "30-04-2026" in text
        assert "Erhvervskontakt" in receipt  # the coordinator

    caseworker = client_for("caseworker_a")
    with at(4):  # Wednesday: the TMF caseworker asks for a drawing
        queue = text_of(caseworker.get(reverse("workspace:unit-queue")))
        assert inquiry.reference in queue and "Udeservering på fortove og pladser" in queue
        assert "Alkoholbevilling" not in queue
        page = text_of(caseworker.get(reverse("workspace:inquiry", args=[inquiry.reference])))
        assert "Read only: this matter is handled by Licensing Secretariat." in page
        assert (
            reverse("workspace:matter-action", args=[inquiry.reference, outdoor.pk, "request-info"]) in page
        )
        assert (
            reverse("workspace:matter-action", args=[inquiry.reference, alcohol.pk, "request-info"])
            not in page
        )
        refused = caseworker.post(
            reverse("workspace:matter-action", args=[inquiry.reference, alcohol.pk, "request-info"]),
            {f"m{alcohol.pk}-info-text": "x"},
        )
        assert refused.status_code == 403

        caseworker.post(reverse("workspace:matter-action", args=[inquiry.reference, outdoor.pk, "claim"]))
        response = caseworker.post(
            reverse("workspace:matter-action", args=[inquiry.reference, outdoor.pk, "request-info"]),
            {f"m{outdoor.pk}-info-text": "Send os en målfast tegning af arealet."},
        )
        assert response.status_code == 302
        outdoor.refresh_from_db()
        assert outdoor.status == MatterStatus.AWAITING_BUSINESS and outdoor.paused_at is not None
        assert "Paused – waiting for the business" in text_of(caseworker.get(reverse("workspace:unit-queue")))

    with at(9):  # Monday: the owner phones in with the answer, recorded by staff
        response = caseworker.post(
            reverse("workspace:matter-action", args=[inquiry.reference, outdoor.pk, "business-replied"]),
            {
                f"m{outdoor.pk}-answer-via": "phone",
                f"m{outdoor.pk}-answer-text": "Tegningen er sendt med posten.",
            },
        )
        assert response.status_code == 302
        outdoor.refresh_from_db()
        assert outdoor.status == MatterStatus.IN_PROGRESS
        # Paused Wednesday to Monday: 3 working days lost; 30 March + 3 skips Easter → 7 April.
        assert outdoor.due_at == workdays.end_of_day(dt.date(2026, 4, 7))

        response = caseworker.post(
            reverse("workspace:matter-action", args=[inquiry.reference, outdoor.pk, "close"]),
            {f"m{outdoor.pk}-close-outcome": "approved", f"m{outdoor.pk}-close-note": "Tilladelse givet."},
        )
        assert response.status_code == 302
        outdoor.refresh_from_db()
        assert outdoor.status == MatterStatus.CLOSED

    kff = client_for("caseworker_b")
    with at(10):  # Unit B finds the alcohol matter belongs elsewhere: a second transfer
        url = reverse("workspace:matter-action", args=[inquiry.reference, alcohol.pk, "forward"])
        response = kff.post(url, {"to_unit": org.unit_c.pk, "wants": "Miljøgodkendelse af køkkenet"})
        assert response.status_code == 400
        assert "Give a reason: the business was promised at most one transfer." in text_of(response)
        response = kff.post(
            url,
            {"to_unit": org.unit_c.pk, "wants": "Miljøgodkendelse af køkkenet", "reason": "Handler om støj"},
        )
        assert response.status_code == 302
        alcohol.refresh_from_db()
        assert alcohol.transfer_count == 2
        assert inquiry.events.filter(kind=EventKind.SECOND_TRANSFER, matter=alcohol).exists()
        page = text_of(agent.get(reverse("workspace:inquiry", args=[inquiry.reference])))
        assert "(more than one transfer – reported)" in page
        assert "Handler om støj" in page
