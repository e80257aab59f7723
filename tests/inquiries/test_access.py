"""The permission matrix of inquiries.access, each rule tried by someone who must be refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from erhvervskontakt.inquiries import access, services
from erhvervskontakt.inquiries.models import Inquiry, Matter
from erhvervskontakt.inquiries.services import ForwardNote
from erhvervskontakt.inquiries.workflow import Outcome
from tests import factories

EVERYONE = ["agent", "caseworker_a", "caseworker_a2", "caseworker_b", "unit_contact_a", "manager", "editor",
            "administrator", "outsider"]  # fmt: skip


@pytest.fixture
def world(catalogue, agent, business):
    """Inquiry ``only_a`` has one matter in unit A; ``both`` one in A and one in B; ``kc`` is untriaged."""

    def forwarded(topics):
        inquiry = factories.register(topics, actor=agent, business=business)
        for matter in inquiry.matters.all():
            services.matter_forward(
                matter, to_unit=matter.topic.unit, actor=agent, note=ForwardNote(wants="x")
            )
        return inquiry

    return {
        "only_a": forwarded([catalogue.udeservering]),
        "both": forwarded([catalogue.udeservering, catalogue.alkoholbevilling]),
        "only_b": forwarded([catalogue.alkoholbevilling]),
        "kc": factories.register([catalogue.generel], actor=agent, business=business),
    }


VISIBLE = {
    "agent": {"only_a", "both", "only_b", "kc"},
    "manager": {"only_a", "both", "only_b", "kc"},
    "caseworker_a": {"only_a", "both"},
    "caseworker_a2": {"only_a", "both"},
    "unit_contact_a": {"only_a", "both"},
    "caseworker_b": {"both", "only_b"},
    "editor": set(),
    "administrator": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("name", EVERYONE)
def test_who_sees_which_inquiries(personas, world, name):
    user = getattr(personas, name)
    visible = set(access.visible_inquiries(user).values_list("reference", flat=True))
    assert visible == {world[key].reference for key in VISIBLE[name]}
    for key, inquiry in world.items():
        assert access.can_view_inquiry(user, inquiry) == (key in VISIBLE[name])
    # Matters: those of visible inquiries (other units' matters included, read-only).
    matters = set(access.visible_matters(user).values_list("inquiry__reference", flat=True))
    assert matters == {world[key].reference for key in VISIBLE[name]}


@pytest.mark.parametrize("name", EVERYONE)
def test_who_acts_on_which_matters(personas, world, name):
    user = getattr(personas, name)
    a_matter = world["both"].matters.get(topic__code="udeservering")
    b_matter = world["both"].matters.get(topic__code="alkoholbevilling")
    acts_a = name in {"agent", "caseworker_a", "caseworker_a2", "unit_contact_a"}
    acts_b = name in {"agent", "caseworker_b"}
    assert access.can_act_on_matter(user, a_matter) == acts_a
    assert access.can_act_on_matter(user, b_matter) == acts_b
    assert access.can_act_on_inquiry(user, world["only_a"]) == acts_a


@pytest.mark.parametrize("name", ["caseworker_b", "manager", "editor", "administrator", "outsider"])
def test_services_refuse_whoever_may_not_act(personas, world, name):
    user = getattr(personas, name)
    matter = world["both"].matters.get(topic__code="udeservering")
    refused = [
        lambda: services.matter_assign(matter, actor=user, assignee=user),
        lambda: services.matter_reply(matter, actor=user, text="Hello"),
        lambda: services.matter_log_call(matter, actor=user, text="Called"),
        lambda: services.matter_request_info(matter, actor=user, text="Drawing?"),
        lambda: services.matter_close(matter, actor=user, outcome=Outcome.ANSWERED),
        lambda: services.matter_forward(matter, to_unit=matter.unit, actor=user, note=ForwardNote(wants="x")),
        lambda: services.inquiry_business_replied(
            world["both"], text="x", via="staff", actor=user, matter=matter
        ),
    ]
    for attempt in refused:
        with pytest.raises(PermissionDenied):
            attempt()
    assert Matter.objects.get(pk=matter.pk).status == matter.status


def test_caseworker_b_cannot_resume_unit_a_matter(personas, world, caseworker_a, caseworker_b):
    inquiry = world["both"]
    a_matter = inquiry.matters.get(topic__code="udeservering")
    services.matter_request_info(a_matter, actor=caseworker_a, text="Send a drawing")
    # Unit B records an answer on the inquiry: only B's own waiting matters resume.
    services.inquiry_business_replied(inquiry, text="Something for B", via="staff", actor=caseworker_b)
    a_matter.refresh_from_db()
    assert a_matter.status == "awaiting_business"


def test_editor_and_administrator_read_nothing_unless_they_hold_a_reading_role(personas, world):
    from django.contrib.auth.models import Group

    admin = personas.administrator
    assert not access.visible_inquiries(admin).exists()
    admin.groups.add(Group.objects.get_or_create(name="manager")[0])
    admin = type(admin).objects.get(pk=admin.pk)  # roles are cached per user object
    assert access.visible_inquiries(admin).count() == Inquiry.objects.count()


def test_callbacks_are_completed_by_the_calling_unit_only(personas, world, agent, org):
    matter = world["only_a"].matters.get()
    import datetime as dt

    from erhvervskontakt.core import clock

    start = clock.now() + dt.timedelta(days=1)
    callback = services.callback_book(
        matter,
        actor=agent,
        phone="+45 3000 0000",
        window_start=start,
        window_end=start + dt.timedelta(hours=2),
    )
    assert not access.can_act_on_callback(personas.caseworker_b, callback)
    assert not access.can_act_on_callback(personas.manager, callback)
    assert callback not in access.visible_callbacks(personas.caseworker_b)
    with pytest.raises(PermissionDenied):
        services.callback_complete(callback, actor=personas.caseworker_b, reached=True)
    with pytest.raises(PermissionDenied):
        services.callback_complete(callback, actor=personas.manager, reached=True)
    services.callback_complete(callback, actor=personas.caseworker_a2, reached=False)
    callback.refresh_from_db()
    assert callback.status == "missed"
