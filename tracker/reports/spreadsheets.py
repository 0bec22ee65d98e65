"""The action list as an XLSX spreadsheet, prepared by the worker when it is long.

Below EXPORT_BACKGROUND_THRESHOLD actions the list page's export downloads at once
(`tracker.actions.views.export`); above it the person is offered a job of kind
ACTIONS_XLSX instead. The job reads the same rows (`export_rows`, streamed a batch at
a time) with the same visibility and OPCC-only columns as the direct export, and
writes them with the same writer (openpyxl in write-only mode): the readable workbook
(`tracker.exports.to_readable_xlsx`), or the import format (`to_xlsx`) when the job was
asked for with `format=import`, so the two files hold the same cells.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from tracker import exports, policy
from tracker.actions.queries import ActionFilters, export_rows, tag_names
from tracker.auth.models import User
from tracker.clock import today
from tracker.db import db
from tracker.pagination import count_of
from tracker.reports.jobs import RUNNERS, JobOutput, Progress, args_of
from tracker.reports.models import XLSX_TYPE, ReportJob
from tracker.settings.definitions import AMBER_DAYS
from tracker.settings.services import setting

ACTIONS_XLSX = "actions_xlsx"
TITLE = "Action list spreadsheet"


def action_columns(user: Any) -> list[str]:
    """The export's columns for `user`: the OPCC note only for those who may see it."""
    extra = exports.OPCC_ONLY_COLUMNS if policy.can_see_opcc_notes(user) else []
    return exports.ACTION_COLUMNS + extra


def action_export_count(user: Any, args: MultiDict) -> int:
    """How many actions the action list export of `args` holds for `user`."""
    filters = ActionFilters.from_args(args)
    return count_of(export_rows(user, filters, today=today(), amber_days=setting(AMBER_DAYS)))


def export_context(user: Any, args: MultiDict) -> dict[str, Any]:
    """What a new export job records: its title and how many actions it holds."""
    return {"title": TITLE, "item_count": action_export_count(user, args), "as_at": None}


def write_actions_xlsx(job: ReportJob, user: User, progress: Progress) -> JobOutput:
    """The job's spreadsheet: rows streamed from the database into the workbook."""
    with_notes = policy.can_see_opcc_notes(user)
    args = args_of(job)
    for_import = args.get("format") == "import"
    rows = export_rows(
        user,
        ActionFilters.from_args(args),
        today=today(),
        amber_days=setting(AMBER_DAYS),
    )
    total = count_of(rows)
    tags = {tag_id: name for tag_id, name in db.session.execute(tag_names())}
    progress.stage("Writing the rows", total=total)
    result = db.session.execute(
        rows.execution_options(stream_results=True, yield_per=exports.STREAM_BATCH)
    )
    try:
        records = exports.action_row_records(result, tags, with_opcc_notes=with_notes)
        write = exports.to_xlsx if for_import else exports.to_readable_xlsx
        body = write(action_columns(user), progress.counted(records, total=total), sheet="Actions")
    finally:
        result.close()
    name = "actions-for-import" if for_import else "actions"
    return JobOutput(body, f"{name}-{today().isoformat()}.xlsx", XLSX_TYPE, total)


RUNNERS[ACTIONS_XLSX] = write_actions_xlsx
