"""Import batches from upload to commit: store the file, check it, write it once.

Nothing is written to actions or sources until `commit_batch`, which re-reads the stored
file, refuses when any row has an error, and writes everything in the caller's single
transaction. The batch's version guards against a second commit from another tab.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from tracker import policy
from tracker.audit.services import import_batch, record
from tracker.audit.vocabulary import AuditEntity
from tracker.auth.models import User
from tracker.db import db, utcnow
from tracker.errors import PermissionDeniedError
from tracker.imports import commit
from tracker.imports.action_rows import check_actions
from tracker.imports.bounds import Limits
from tracker.imports.fields import TARGET_FIELDS, clean_mapping, detect_mapping
from tracker.imports.models import ImportBatch, ImportStatus
from tracker.imports.parsing import FileProblemError, Issue, Sheet, read_sheet
from tracker.imports.plan import Plan
from tracker.imports.source_rows import check_findings, check_panel_items, pasted_findings_sheet

CHECKERS = {"actions": check_actions, "panel_items": check_panel_items, "findings": check_findings}


class BatchStateError(Exception):
    """The batch cannot do this any more (already committed, discarded or changed)."""


class ImportRefusedError(Exception):
    """The file still has errors; nothing was written."""


def _require(user: User) -> None:
    if not policy.can_import(user):
        raise PermissionDeniedError("Only OPCC staff can import spreadsheets")


def create_batch(
    *, by: User, target: str, filename: str, content: bytes, options: dict[str, Any]
) -> ImportBatch:
    """Store an uploaded file (or pasted text) as a pending batch, with a detected mapping."""
    _require(by)
    if target not in TARGET_FIELDS:
        raise FileProblemError("Choose what the rows are")
    sheet = sheet_for(content, options, first_row_only=True)  # FileProblemError if unreadable
    batch = ImportBatch(
        created_by_id=by.id,
        target=target,
        filename=filename[:255] or "upload",
        content=content,
        options={**options, "sheet": sheet.sheet_name},
        mapping=detect_mapping(target, sheet.headings),
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def sheet_for(content: bytes, options: dict[str, Any], *, first_row_only: bool = False) -> Sheet:
    """The rows of a batch's file (or of its pasted findings)."""
    if options.get("pasted"):
        text = content.decode("utf-8", errors="replace")
        sheet = pasted_findings_sheet(text)
        if not sheet.rows:
            raise FileProblemError("Paste at least one finding, one per line")
        return sheet
    return read_sheet(
        content,
        sheet_name=options.get("sheet") or None,
        first_row_only=first_row_only,
        limits=import_limits(),
    )


def import_limits() -> Limits:
    """The row, column and expansion limits for uploaded files (IMPORT_MAX_* settings)."""
    return Limits.from_config(current_app.config)


def ensure_pending(batch: ImportBatch, expected_version: int | None = None) -> None:
    """Refuse changes to a batch that is no longer waiting, or that changed in another tab."""
    if batch.status != ImportStatus.PENDING:
        raise BatchStateError(
            f"This import has already been {batch.status.in_sentence}: nothing was changed"
        )
    if expected_version is not None and batch.version != expected_version:
        raise BatchStateError(
            "This import was changed in another tab or window. Check the preview and try again"
        )


def save_mapping(
    batch: ImportBatch,
    mapping: dict[str, str],
    options: dict[str, Any],
    *,
    by: User,
    expected_version: int,
) -> None:
    """Keep the chosen column for each field and the import options."""
    _require(by)
    ensure_pending(batch, expected_version)
    new_options = {**batch.options, **options}
    sheet = sheet_for(batch.content or b"", new_options, first_row_only=True)
    if new_options.get("sheet") != batch.options.get("sheet"):
        mapping = detect_mapping(batch.target, sheet.headings)
    batch.options = new_options
    batch.mapping = clean_mapping(batch.target, mapping, sheet.headings)
    db.session.flush()


def missing_fields(batch: ImportBatch) -> list[str]:
    """Labels of required fields no column is chosen for."""
    mapping = batch.mapping or {}
    missing = []
    for field in TARGET_FIELDS[batch.target]:
        if not field.required or field.name in mapping:
            continue
        if field.name == "owner" and "owner_name" in mapping:
            continue
        missing.append(field.label)
    return missing


def check_batch(batch: ImportBatch) -> Plan:
    """Read the stored file again and check every row (nothing is written)."""
    try:
        sheet = sheet_for(batch.content or b"", batch.options or {})
    except FileProblemError as problem:
        plan = Plan(target=batch.target)
        plan.errors.append(Issue(None, "", str(problem)))
        return plan
    mapping = clean_mapping(batch.target, batch.mapping or {}, sheet.headings)
    plan = CHECKERS[batch.target](sheet, mapping, batch.options or {})
    plan.sheet_name, plan.sheet_names = sheet.sheet_name, sheet.sheet_names
    plan.errors[:0] = sheet.problems
    plan.errors.extend(
        Issue(None, label, "Choose the column that holds this") for label in missing_fields(batch)
    )
    plan.errors.sort(key=lambda issue: issue.row or 0)
    plan.warnings.sort(key=lambda issue: issue.row or 0)
    plan.ignored_headings = [h for h in sheet.headings if h and h not in mapping.values()]
    return plan


def commit_batch(
    batch: ImportBatch,
    *,
    by: User,
    expected_version: int,
    on_checked: Callable[[Plan], None] | None = None,
) -> ImportBatch:
    """Write every row of a checked batch, all or nothing, with audit events tagged by it.
    `on_checked` is told the plan once every row has passed, before the first write (the
    worker reports its progress there)."""
    _require(by)
    ensure_pending(batch, expected_version)
    plan = check_batch(batch)
    if not plan.ok:
        raise ImportRefusedError(
            "The file has errors, so nothing was imported. Correct them and upload it again"
        )
    if on_checked is not None:
        on_checked(plan)
    batch.status = ImportStatus.COMMITTED
    batch.committed_at = utcnow()
    try:
        db.session.flush()  # claims the batch: a second commit of the same version fails here
    except StaleDataError as exc:
        raise BatchStateError(
            "This import has already been committed: nothing was changed"
        ) from exc
    with import_batch(batch.id):
        if batch.target == "actions":
            counts = commit.commit_actions(plan, by=by)
        elif batch.target == "panel_items":
            counts = commit.commit_panel_items(plan, by=by)
        else:
            counts = commit.commit_findings(plan, int(batch.options["report_id"]), by=by)
        batch.row_count = plan.row_count
        batch.created_count = counts["create"]
        batch.updated_count = counts["update"]
        batch.skipped_count = counts["skip"] + counts["unchanged"]
        batch.summary = (
            f"{batch.created_count} created, {batch.updated_count} updated, "
            f"{batch.skipped_count} skipped from {batch.filename}"
        )
        batch.content = None  # the file is no longer needed once imported
        db.session.flush()
        record(
            actor=by,
            entity_type=AuditEntity.IMPORT_BATCH,
            entity_id=batch.id,
            action="committed",
            summary=batch.summary,
            version=batch.version,
        )
    return batch


def discard_batch(batch: ImportBatch, *, by: User, expected_version: int) -> None:
    """Throw away a pending upload."""
    _require(by)
    ensure_pending(batch, expected_version)
    batch.status = ImportStatus.DISCARDED
    batch.content = None
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise BatchStateError("This import was changed in another tab: nothing was done") from exc
