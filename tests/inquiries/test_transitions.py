"""Every transition in workflow.TRANSITIONS: each allowed one happens through a named service
function, each refused one is refused (by the table and by the service that would make it)."""

from __future__ import annotations

import itertools

import pytest

from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Matter
from erhvervskontakt.inquiries.services import ForwardNote, WorkflowError
from erhvervskontakt.inquiries.workflow import (
    TRANSITIONS,
    EventKind,
    InquiryStatus,
    MatterStatus,
    Outcome,
    can_move,
    inquiry_status_for,
)
from tests import factories

S = MatterStatus
ALL = list(S)


@pytest.mark.parametrize("current,target", list(itertools.product(ALL, ALL)))
def test_table_is_the_rule(current, target):
    assert can_move(current, target) == (target in TRANSITIONS[current])


def test_refused_transitions_are_exactly_these():
    refused = {(a, b) for a, b in itertools.product(ALL, ALL) if not can_move(a, b)}
    assert refused == {
        (S.AWAITING_BUSINESS, S.AWAITING_BUSINESS),
        (S.CLOSED, S.AWAITING_BUSINESS),
        (S.CLOSED, S.CLOSED),
    }


def test_inquiry_status_is_derived_from_matters():
    assert inquiry_status_for([S.CLOSED, S.CLOSED]) == InquiryStatus.CLOSED
    assert inquiry_status_for([S.AWAITING_BUSINESS, S.CLOSED]) == InquiryStatus.AWAITING_BUSINESS
    assert inquiry_status_for([S.AWAITING_BUSINESS, S.NEW]) == InquiryStatus.OPEN


# --- the service path for each allowed transition -------------------------------------------------


@pytest.fixture
def at_unit(catalogue, agent, business):
    """A matter forwarded to unit A (NEW, in A's queue)."""
    inquiry = factories.register([catalogue.udeservering], actor=agent, business=business)
    matter = inquiry.matters.get()
    return services.matter_forward(
        matter, to_unit=catalogue.udeservering.unit, actor=agent, note=ForwardNote(wants="Udeservering")
    )


def _status(matter) -> str:
    return Matter.objects.get(pk=matter.pk).status


def _to(matter, status, worker):
    """Bring a matter at unit A into ``status`` through the services."""
    if status == S.IN_PROGRESS:
        services.matter_assign(matter, actor=worker, assignee=worker)
    elif status == S.AWAITING_BUSINESS:
        services.matter_request_info(matter, actor=worker, text="Send a drawing")
    elif status == S.CLOSED:
        services.matter_close(matter, actor=worker, outcome=Outcome.ANSWERED)
    return Matter.objects.get(pk=matter.pk)


def test_new_to_new_by_forwarding(catalogue, agent, business):
    inquiry = factories.register([catalogue.udeservering], actor=agent, business=business)
    matter = inquiry.matters.get()
    assert matter.status == S.NEW
    services.matter_forward(
        matter, to_unit=catalogue.udeservering.unit, actor=agent, note=ForwardNote(wants="x")
    )
    assert _status(matter) == S.NEW


def test_new_to_in_progress_by_claiming(at_unit, caseworker_a):
    services.matter_assign(at_unit, actor=caseworker_a, assignee=caseworker_a)
    assert _status(at_unit) == S.IN_PROGRESS


def test_new_to_awaiting_by_requesting_information(at_unit, caseworker_a):
    services.matter_request_info(at_unit, actor=caseworker_a, text="Send a drawing")
    assert _status(at_unit) == S.AWAITING_BUSINESS


def test_new_to_closed(at_unit, caseworker_a):
    services.matter_close(at_unit, actor=caseworker_a, outcome=Outcome.ANSWERED)
    assert _status(at_unit) == S.CLOSED


def test_in_progress_to_new_by_unassigning(at_unit, caseworker_a):
    matter = _to(at_unit, S.IN_PROGRESS, caseworker_a)
    services.matter_assign(matter, actor=caseworker_a, assignee=None)
    assert _status(matter) == S.NEW


def test_in_progress_to_in_progress_by_forwarding_to_a_named_caseworker(
    at_unit, caseworker_a, caseworker_b, org
):
    matter = _to(at_unit, S.IN_PROGRESS, caseworker_a)
    services.matter_forward(
        matter, to_unit=org.unit_b, actor=caseworker_a, note=ForwardNote(wants="x"), reason="Wrong unit",
        assignee=caseworker_b,
    )  # fmt: skip
    matter.refresh_from_db()
    assert (matter.status, matter.assignee, matter.unit) == (S.IN_PROGRESS, caseworker_b, org.unit_b)


def test_in_progress_to_awaiting(at_unit, caseworker_a):
    matter = _to(at_unit, S.IN_PROGRESS, caseworker_a)
    services.matter_request_info(matter, actor=caseworker_a, text="Send a drawing")
    assert _status(matter) == S.AWAITING_BUSINESS


def test_in_progress_to_closed(at_unit, caseworker_a):
    matter = _to(at_unit, S.IN_PROGRESS, caseworker_a)
    services.matter_close(matter, actor=caseworker_a, outcome=Outcome.APPROVED)
    assert _status(matter) == S.CLOSED


def test_awaiting_to_in_progress_when_the_business_answers(at_unit, caseworker_a):
    matter = _to(at_unit, S.AWAITING_BUSINESS, caseworker_a)
    services.inquiry_business_replied(matter.inquiry, text="Here it is", via="email")
    assert _status(matter) == S.IN_PROGRESS


def test_awaiting_to_new_by_forwarding_ends_the_pause(at_unit, caseworker_a, org):
    matter = _to(at_unit, S.AWAITING_BUSINESS, caseworker_a)
    services.matter_forward(
        matter, to_unit=org.unit_b, actor=caseworker_a, note=ForwardNote(wants="x"), reason="Wrong unit"
    )
    matter.refresh_from_db()
    assert matter.status == S.NEW and matter.paused_at is None


def test_awaiting_to_closed(at_unit, caseworker_a):
    matter = _to(at_unit, S.AWAITING_BUSINESS, caseworker_a)
    services.matter_close(matter, actor=caseworker_a, outcome=Outcome.NO_REPLY)
    matter.refresh_from_db()
    assert matter.status == S.CLOSED and matter.paused_at is None


def test_closed_to_in_progress_by_reopening_an_assigned_matter(at_unit, caseworker_a):
    matter = _to(_to(at_unit, S.IN_PROGRESS, caseworker_a), S.CLOSED, caseworker_a)
    services.matter_reopen(matter, actor=caseworker_a, reason="The business wrote again")
    assert _status(matter) == S.IN_PROGRESS
    assert matter.inquiry.events.filter(kind=EventKind.REOPENED).exists()


def test_closed_to_new_by_reopening_an_unassigned_matter(at_unit, caseworker_a):
    matter = _to(at_unit, S.CLOSED, caseworker_a)
    services.matter_reopen(matter, actor=caseworker_a, reason="Closed by mistake")
    assert _status(matter) == S.NEW


# --- refused ----------------------------------------------------------------------------------------


def test_awaiting_to_awaiting_is_refused(at_unit, caseworker_a):
    matter = _to(at_unit, S.AWAITING_BUSINESS, caseworker_a)
    with pytest.raises(WorkflowError):
        services.matter_request_info(matter, actor=caseworker_a, text="Again")


def test_closed_to_awaiting_is_refused(at_unit, caseworker_a):
    matter = _to(at_unit, S.CLOSED, caseworker_a)
    with pytest.raises(WorkflowError) as exc:
        services.matter_request_info(matter, actor=caseworker_a, text="More")
    assert exc.value.code == "transition"
    assert _status(matter) == S.CLOSED


def test_closed_to_closed_is_refused(at_unit, caseworker_a):
    matter = _to(at_unit, S.CLOSED, caseworker_a)
    with pytest.raises(WorkflowError):
        services.matter_close(matter, actor=caseworker_a, outcome=Outcome.ANSWERED)


def test_closed_matter_cannot_be_forwarded_or_assigned(at_unit, caseworker_a, org):
    matter = _to(at_unit, S.CLOSED, caseworker_a)
    with pytest.raises(WorkflowError):
        services.matter_forward(
            matter, to_unit=org.unit_b, actor=caseworker_a, note=ForwardNote(wants="x"), reason="r"
        )
    with pytest.raises(WorkflowError):
        services.matter_assign(matter, actor=caseworker_a, assignee=caseworker_a)


def test_a_refused_transition_changes_nothing(at_unit, caseworker_a):
    matter = _to(at_unit, S.CLOSED, caseworker_a)
    events = matter.inquiry.events.count()
    with pytest.raises(WorkflowError):
        services.matter_close(matter, actor=caseworker_a, outcome=Outcome.ANSWERED)
    assert matter.inquiry.events.count() == events
