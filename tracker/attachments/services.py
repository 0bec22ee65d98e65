"""Adding and replacing attachments. The caller commits once, with the owner record."""

from __future__ import annotations

from collections.abc import Sequence

from tracker import policy
from tracker.attachments.definitions import owner_kind
from tracker.attachments.models import Attachment, AttachmentContent
from tracker.attachments.rules import PreparedFile, human_size
from tracker.audit.services import record
from tracker.auth.models import User
from tracker.db import db, utcnow
from tracker.errors import PermissionDeniedError, RuleError


class AttachmentRuleError(RuleError):
    """A file the rules do not accept, or a change to one they do not allow."""


def _describe(attachment: Attachment, kind_label: str) -> str:
    return f"{attachment.filename} ({kind_label}, {human_size(attachment.size)})"


def _store(kind_name: str, owner_id: int, prepared: PreparedFile, by: User) -> Attachment:
    attachment = Attachment(
        owner_kind=kind_name,
        owner_id=owner_id,
        filename=prepared.filename,
        content_type=prepared.kind.content_type,
        size=prepared.size,
        sha256=prepared.sha256,
        uploaded_by_id=by.id,
        content=AttachmentContent(data=prepared.content),
    )
    db.session.add(attachment)
    return attachment


def attach_files(
    kind_name: str, owner_id: int, files: Sequence[PreparedFile], *, by: User
) -> list[Attachment]:
    """Attach `files` to the record `owner_id` of the registered kind `kind_name`,
    auditing each upload against the owner's audit target."""
    if not files:
        return []
    kind = owner_kind(kind_name)
    if kind is None:
        raise LookupError(f"No owner kind {kind_name!r} is registered for attachments")
    if not kind.can_attach(by, owner_id):
        raise PermissionDeniedError("You cannot add files to this record")
    attachments = [_store(kind_name, owner_id, prepared, by) for prepared in files]
    db.session.flush()
    entity_type, entity_id = kind.audit_target(owner_id)
    for attachment, prepared in zip(attachments, files, strict=True):
        record(
            actor=by,
            entity_type=entity_type,
            entity_id=entity_id,
            action="attachment_added",
            summary=f"{kind.label}: {_describe(attachment, prepared.kind.label)}",
        )
    return attachments


def replace_attachment(old: Attachment, prepared: PreparedFile, *, by: User) -> Attachment:
    """Add `prepared` in place of `old`, which is kept, marked superseded by the new file."""
    if old.is_superseded:
        raise AttachmentRuleError("This file has already been replaced", field="file")
    if not policy.can_replace_attachment(by, old):
        raise PermissionDeniedError("You cannot replace this file")
    kind = owner_kind(old.owner_kind)
    if kind is None:  # can_replace_attachment refuses unknown kinds; this is for typing
        raise LookupError(f"No owner kind {old.owner_kind!r} is registered")
    new = _store(old.owner_kind, old.owner_id, prepared, by)
    db.session.flush()
    old.superseded_by_id = new.id
    old.superseded_at = utcnow()
    db.session.flush()
    entity_type, entity_id = kind.audit_target(old.owner_id)
    record(
        actor=by,
        entity_type=entity_type,
        entity_id=entity_id,
        action="attachment_replaced",
        summary=f"{kind.label}: {old.filename} replaced by {_describe(new, prepared.kind.label)}",
    )
    return new
