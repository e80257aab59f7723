"""Staff workspace URLs (mounted under /staff/). Names are used by the staff navigation."""

from django.urls import path

from erhvervskontakt.workspace.views import actions, agent, inquiry, lists, triage

app_name = "workspace"
urlpatterns = [
    path("agent/", agent.home, name="agent-home"),
    path("register/", agent.register, name="register"),
    path("register/businesses/", agent.business_lookup, name="business-lookup"),
    path("register/topics/", agent.topic_suggestions, name="topic-suggestions"),
    path("queue/", lists.unit_queue, name="unit-queue"),
    path("callbacks/", lists.callbacks, name="callbacks"),
    path("callbacks/<int:pk>/done/", lists.callback_done, name="callback-done"),
    path("search/", lists.search, name="search"),
    path("inquiries/<str:reference>/", inquiry.detail, name="inquiry"),
    path("inquiries/<str:reference>/receipt/", inquiry.receipt, name="receipt"),
    path("inquiries/<str:reference>/receipt/send/", inquiry.receipt_send, name="receipt-send"),
    path("inquiries/<str:reference>/note/", inquiry.note, name="note"),
    path("inquiries/<str:reference>/documents/", inquiry.attachment_upload, name="attachment-upload"),
    path("inquiries/<str:reference>/matters/<int:matter_id>/triage/", triage.walk, name="triage"),
    path(
        "inquiries/<str:reference>/matters/<int:matter_id>/<slug:action>/",
        actions.matter_action,
        name="matter-action",
    ),
    path("documents/<int:pk>/", inquiry.attachment_download, name="attachment"),
]
