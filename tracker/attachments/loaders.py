"""Loading an attachment for a request: 404 when missing or its record is invisible."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from tracker import policy
from tracker.attachments.models import Attachment
from tracker.db import db


def get_attachment_or_404(attachment_id: int, *, need: str = "view") -> Attachment:
    """The attachment, if the current user may see its record (and replace it, when
    need='replace': 403 when visible but not theirs to replace)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not policy.can_view_attachment(current_user, attachment):
        abort(404)
    if need == "replace" and not policy.can_replace_attachment(current_user, attachment):
        abort(403)
    return attachment
