"""State changes for publication records: create and change, checked and audited.

Each function checks the permission, applies rules.py and flushes; the caller commits.
"""

from __future__ import annotations

from typing import Any

from tracker import policy
from tracker.audit.services import add_created, diff, record
from tracker.audit.vocabulary import AuditEntity, record_fields
from tracker.auth.models import User
from tracker.clock import today
from tracker.concurrency import ensure_current
from tracker.db import db
from tracker.errors import PermissionDeniedError, RuleError
from tracker.publication import rules
from tracker.publication.models import PublicationRecord

FIELDS = ("kind", "title", "due_on", "published_on", "url", "public", "summary")


class PublicationRuleError(RuleError):
    """A publication record the rules do not allow; the message says why."""


def snapshot(publication: PublicationRecord) -> dict[str, Any]:
    """The audited fields of a publication record, for the audit diff."""
    return {
        name: getattr(publication, name) for name in record_fields(AuditEntity.PUBLICATION_RECORD)
    }


def _check(values: dict[str, Any]) -> None:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"not publication record fields: {sorted(unknown)}")
    problems = rules.record_errors(
        published_on=values.get("published_on"), url=values.get("url") or "", today=today()
    )
    for field, message in problems.items():
        raise PublicationRuleError(message, field=field)


def create_publication(*, by: User, **values: Any) -> PublicationRecord:
    """Add something the office must publish (the annual statement, a decision)."""
    if not policy.can_manage_publications(by):
        raise PermissionDeniedError("Only OPCC staff can record publications")
    _check(values)
    publication = PublicationRecord(**values)
    return add_created(publication, snapshot, actor=by, entity_type=AuditEntity.PUBLICATION_RECORD)


def edit_publication(
    publication: PublicationRecord, *, by: User, expected_version: int, **values: Any
) -> None:
    """Change a publication record; refused when someone else saved it first."""
    if not policy.can_manage_publications(by):
        raise PermissionDeniedError("Only OPCC staff can change publications")
    ensure_current(publication, expected_version, entity_type=AuditEntity.PUBLICATION_RECORD)
    current = {name: getattr(publication, name) for name in FIELDS}
    _check({**current, **values})
    before = snapshot(publication)
    for name, value in values.items():
        setattr(publication, name, value)
    changes = diff(before, snapshot(publication))
    if not changes:
        return
    db.session.flush()
    record(
        actor=by,
        entity_type=AuditEntity.PUBLICATION_RECORD,
        entity_id=publication.id,
        action="updated",
        changes=changes,
        version=publication.version,
    )
