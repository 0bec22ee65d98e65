"""Reading attachments: the files of a set of records, in one query."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Select, select

from tracker.attachments.models import Attachment
from tracker.db import db


def attachments_of(kind_name: str, owner_ids: Iterable[int]) -> Select[tuple[Attachment]]:
    """The attachments of the records `owner_ids` of kind `kind_name`, oldest first
    (metadata only: the bytes live in another table)."""
    return (
        select(Attachment)
        .where(Attachment.owner_kind == kind_name, Attachment.owner_id.in_(list(owner_ids)))
        .order_by(Attachment.uploaded_at, Attachment.id)
    )


def attachments_by_owner(kind_name: str, owner_ids: Iterable[int]) -> dict[int, list[Attachment]]:
    """owner id -> its attachments, oldest first; one query (none when no ids)."""
    ids = list(owner_ids)
    grouped: dict[int, list[Attachment]] = defaultdict(list)
    if not ids:
        return grouped
    for attachment in db.session.scalars(attachments_of(kind_name, ids)):
        grouped[attachment.owner_id].append(attachment)
    return grouped
