"""The one door for every state change of inquiries, matters and callbacks.

Each function runs in a transaction, checks the rules (``workflow.TRANSITIONS``, the
permission rules in ``access``), changes the rows, appends to the timeline and writes any
email to the outbox in the same transaction; delivery happens after commit. Views, tasks,
email ingestion, the portal and a future REST API all call these functions; none of them
saves a status directly.

The functions live in modules by concept: ``registration``, ``forwarding``, ``conversation``,
``callbacks``, ``documents``, and ``common`` for what they share. This package names every public
one, so callers write ``services.matter_forward(...)`` and need not know which module holds it.
"""

from erhvervskontakt.inquiries.services.callbacks import (
    callback_book,
    callback_cancel,
    callback_complete,
)
from erhvervskontakt.inquiries.services.common import (
    WorkflowError,
    contact_centre_unit,
    new_event,
    record,
    record_many,
)
from erhvervskontakt.inquiries.services.conversation import (
    inquiry_business_replied,
    inquiry_note,
    matter_answer_first_contact,
    matter_close,
    matter_log_call,
    matter_reopen,
    matter_reply,
    matter_request_info,
    matter_send_links,
)
from erhvervskontakt.inquiries.services.documents import (
    attachment_add,
)
from erhvervskontakt.inquiries.services.forwarding import (
    ForwardNote,
    matter_assign,
    matter_forward,
)
from erhvervskontakt.inquiries.services.registration import (
    MatterSpec,
    Registration,
    find_by_tracking_token,
    hash_token,
    inquiry_new_tracking_link,
    inquiry_register,
    inquiry_register_many,
    inquiry_revoke_tracking,
    inquiry_send_receipt,
    inquiry_set_coordinator,
    matter_add,
    new_tracking_token,
    tracking_url,
)

__all__ = [
    "attachment_add",
    "callback_book",
    "callback_cancel",
    "callback_complete",
    "contact_centre_unit",
    "find_by_tracking_token",
    "ForwardNote",
    "hash_token",
    "inquiry_business_replied",
    "inquiry_new_tracking_link",
    "inquiry_note",
    "inquiry_register",
    "inquiry_register_many",
    "inquiry_revoke_tracking",
    "inquiry_send_receipt",
    "inquiry_set_coordinator",
    "matter_add",
    "matter_answer_first_contact",
    "matter_assign",
    "matter_close",
    "matter_forward",
    "matter_log_call",
    "matter_reopen",
    "matter_reply",
    "matter_request_info",
    "matter_send_links",
    "MatterSpec",
    "new_event",
    "new_tracking_token",
    "record",
    "record_many",
    "Registration",
    "tracking_url",
    "WorkflowError",
]
