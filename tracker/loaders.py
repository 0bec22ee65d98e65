"""Loading records for a request: 404 when missing or invisible, 403 when not allowed.

A core module: a source is loaded the same way from the source pages and from the
action pages that raise actions on it, without either feature importing the other.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from tracker import policy
from tracker.db import db


def get_source_or_404(model: type, source_id: int, *, need: str = "view") -> Any:
    """Load a source: 404 when missing or invisible, 403 when visible but not editable."""
    source = db.session.get(model, source_id)
    if source is None or not policy.can_view_source(current_user, source):
        abort(404)
    if need == "edit" and not policy.can_change_source(current_user, model):
        abort(403)
    return source
