"""Documents attached to an inquiry."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from erhvervskontakt.inquiries import access
from erhvervskontakt.inquiries.models import (
    Attachment,
    Inquiry,
    Matter,
)
from erhvervskontakt.inquiries.services.common import WorkflowError, record
from erhvervskontakt.inquiries.workflow import (
    EventKind,
)


@transaction.atomic
def attachment_add(
    inquiry: Inquiry,
    *,
    filename: str,
    content: bytes,
    content_type: str,
    actor=None,
    matter: Matter | None = None,
    public: bool = False,
    source: str = "staff",
) -> Attachment:
    """Store a document on an inquiry. Type and size are checked by the face that received it."""
    if actor is not None and not access.can_act_on_inquiry(actor, inquiry):
        raise PermissionDenied
    if len(content) > settings.ATTACHMENT_MAX_BYTES:
        raise WorkflowError(_("The file is too large."), code="too_large")
    safe_name = (filename or "document").replace("/", "_").replace("\\", "_")[:255]
    attachment = Attachment(
        inquiry=inquiry,
        matter=matter,
        filename=safe_name,
        content_type=content_type[:100],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        public=public,
        source=source,
        uploaded_by=actor,
    )
    attachment.file.save(safe_name, ContentFile(content), save=False)
    attachment.save()
    record(
        inquiry,
        EventKind.ATTACHMENT_ADDED,
        actor=actor,
        matter=matter,
        public=public,
        text=safe_name,
        actor_label=_("The business") if actor is None and source != "system" else None,
        data={"attachment": attachment.pk, "size": len(content), "source": source},
    )
    return attachment
