"""Drafts: a form a business has started survives a validation error, uploads included.

The draft is found through the visitor's session only (its key is random and never in a URL).
Files that passed the content check are stored in the draft at once, so a business whose
submission failed on another field sees them listed and need not upload them again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from erhvervskontakt.core import clock
from erhvervskontakt.portal.models import Draft, DraftFile
from erhvervskontakt.portal.uploads import CheckedFile

log = logging.getLogger(__name__)

SESSION_KEY = "portal_drafts"
MAX_DRAFTS_PER_SESSION = 10


def _keys(request) -> dict[str, str]:
    keys = request.session.get(SESSION_KEY)
    return keys if isinstance(keys, dict) else {}


def get_draft(request, form_code: str) -> Draft | None:
    key = _keys(request).get(form_code)
    if not key or not isinstance(key, str):
        return None
    draft = Draft.objects.filter(key=key, form_code=form_code).prefetch_related("files").first()
    if draft is not None:
        storage = DraftFile._meta.get_field("file").storage
        lost = [f.pk for f in draft.files.all() if not storage.exists(f.file.name)]
        if lost:  # e.g. storage restored from a backup: the business is asked to upload again
            log.warning("portal: draft %s lost %d stored files", draft.pk, len(lost))
            DraftFile.objects.filter(pk__in=lost).delete()
            draft = Draft.objects.prefetch_related("files").get(pk=draft.pk)
    return draft


def _remember(request, form_code: str, key: str | None) -> None:
    keys = dict(_keys(request))
    if key is None:
        keys.pop(form_code, None)
    else:
        keys[form_code] = key
        # A session holds a handful of drafts; the oldest ones are forgotten (and purged later).
        while len(keys) > MAX_DRAFTS_PER_SESSION:
            keys.pop(next(iter(keys)))
    request.session[SESSION_KEY] = keys


def kept_counts(draft: Draft | None, remove_ids: set[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    if draft is None:
        return counts
    for f in draft.files.all():
        if f.pk not in remove_ids:
            counts[f.field] = counts.get(f.field, 0) + 1
    return counts


def _delete_stored(files: list[DraftFile]) -> None:
    names = [f.file.name for f in files if f.file]
    storage = DraftFile._meta.get_field("file").storage

    def remove():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                log.warning("portal: could not delete draft file %s", name, exc_info=True)

    transaction.on_commit(remove)


@transaction.atomic
def draft_save(
    request,
    form_code: str,
    *,
    raw: dict[str, Any],
    accepted: dict[str, list[CheckedFile]],
    remove_ids: set[int] | frozenset[int] = frozenset(),
    visible_file_fields: set[str] | None = None,
) -> Draft:
    """Keep what was typed and the accepted uploads; drop the files the business removed."""
    now = clock.now()
    draft = get_draft(request, form_code)
    if draft is None:
        draft = Draft.objects.create(
            key=secrets.token_urlsafe(32), form_code=form_code, data=raw, created_at=now, updated_at=now
        )
        _remember(request, form_code, draft.key)
    else:
        draft.data = raw
        draft.updated_at = now
        draft.save(update_fields=["data", "updated_at"])
    removed = [f for f in draft.files.all() if f.pk in remove_ids]
    if removed:
        DraftFile.objects.filter(pk__in=[f.pk for f in removed]).delete()
        _delete_stored(removed)
    for field_name, files in accepted.items():
        if visible_file_fields is not None and field_name not in visible_file_fields:
            continue
        for checked in files:
            stored = DraftFile(
                draft=draft,
                field=field_name,
                filename=checked.filename,
                content_type=checked.content_type,
                size=checked.size,
                sha256=hashlib.sha256(checked.content).hexdigest(),
                created_at=now,
            )
            stored.file.save(checked.filename, ContentFile(checked.content), save=False)
            stored.save()
    log.info("portal: draft %s for %s saved (%d files removed)", draft.pk, form_code, len(removed))
    return Draft.objects.prefetch_related("files").get(pk=draft.pk)


@transaction.atomic
def draft_discard(request, draft: Draft | None, form_code: str) -> None:
    """Forget the draft after a successful submission (its files were copied to the inquiry)."""
    _remember(request, form_code, None)
    if draft is None:
        return
    files = list(draft.files.all())
    draft.delete()
    _delete_stored(files)


def draft_file_content(draft_file: DraftFile) -> bytes:
    with draft_file.file.open("rb") as fh:
        return fh.read()


def purge_drafts(*, older_than: dt.timedelta = dt.timedelta(hours=48)) -> int:
    """Delete abandoned drafts and their files; return how many went."""
    cutoff = clock.now() - older_than
    count = 0
    for draft in Draft.objects.filter(updated_at__lt=cutoff).prefetch_related("files")[:1000]:
        with transaction.atomic():
            files = list(draft.files.all())
            draft.delete()
            _delete_stored(files)
        count += 1
    if count:
        log.info("portal: purged %d abandoned drafts", count)
    return count
