"""State changes for the statutory calendar: each side records its own steps.

Every function checks the permission again, applies the rules in rules.py and flushes;
the caller (a view, the demo loader) commits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tracker import policy
from tracker.audit.services import diff, record
from tracker.audit.vocabulary import AuditEntity
from tracker.auth.models import User
from tracker.concurrency import ensure_current
from tracker.db import db
from tracker.errors import PermissionDeniedError, RuleError
from tracker.statutory import rules
from tracker.statutory.models import AnnualReportReview, ChiefConstableAppointment, PreceptYear

# Which fields each side records, per record type.
PCC_FIELDS: dict[type, tuple[str, ...]] = {
    PreceptYear: (
        "proposal_notified_on",
        "proposed_amount",
        "proposed_band_d",
        "response_on",
        "response_text",
        "revised_amount",
        "revised_band_d",
        "issued_on",
        "final_amount",
        "final_band_d",
    ),
    ChiefConstableAppointment: (
        "candidate_name",
        "notified_on",
        "decision",
        "decision_on",
        "outcome_text",
    ),
    AnnualReportReview: ("sent_on", "response_on", "response_text", "published_on"),
}
PANEL_FIELDS: dict[type, tuple[str, ...]] = {
    PreceptYear: (
        "report_on",
        "report_text",
        "vetoed",
        "veto_reason",
        "panel_members",
        "votes_for_veto",
        "second_report_on",
        "second_report_text",
    ),
    ChiefConstableAppointment: (
        "hearing_on",
        "report_on",
        "report_text",
        "recommendation",
        "vetoed",
        "panel_members",
        "votes_for_veto",
    ),
    AnnualReportReview: ("meeting_on", "report_on", "report_text", "response_due_on"),
}


ENTITY_TYPES: dict[type, AuditEntity] = {
    PreceptYear: AuditEntity.PRECEPT_YEAR,
    ChiefConstableAppointment: AuditEntity.APPOINTMENT,
    AnnualReportReview: AuditEntity.ANNUAL_REPORT,
}


def snapshot(item: Any) -> dict[str, Any]:
    """Every recorded field of a statutory record, amounts as text, for the audit diff."""
    model = type(item)
    names = ("financial_year",) if hasattr(model, "financial_year") else ()
    values = {
        name: getattr(item, name) for name in (*names, *PCC_FIELDS[model], *PANEL_FIELDS[model])
    }
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _audit(item: Any, before: dict[str, Any], *, by: User, action: str) -> None:
    """Record what changed (nothing recorded when nothing did)."""
    changes = diff(before, snapshot(item))
    if changes:
        record(
            actor=by,
            entity_type=ENTITY_TYPES[type(item)],
            entity_id=item.id,
            action=action,
            changes=changes,
            version=item.version,
        )


class StatutoryRuleError(RuleError):
    """A statutory record the rules do not allow; the message says why."""


def _raise_first(problems: dict[str, str]) -> None:
    """Raise the first of a rule function's field-keyed messages, if any."""
    for field, message in problems.items():
        raise StatutoryRuleError(message, field=field)


def _apply(item: Any, allowed: tuple[str, ...], values: dict[str, Any]) -> None:
    """Set `values` on `item`, refusing any field the side may not record."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"{type(item).__name__}: not this side's fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(item, name, "" if value is None and name.endswith("_text") else value)


def _unique_year(model: type, financial_year: int, exclude_id: int | None = None) -> None:
    """One precept year and one annual report per financial year."""
    clash = db.session.scalar(select(model.id).where(model.financial_year == financial_year))
    if clash is not None and clash != exclude_id:
        raise StatutoryRuleError(
            "There is already a record for that financial year", field="financial_year"
        )


def create_record(model: type, *, by: User, **values: Any) -> Any:
    """Start a precept year, appointment or annual-report review (the PCC's side opens it)."""
    if not policy.can_record_pcc_side(by):
        raise PermissionDeniedError("Only OPCC staff can start a statutory record")
    item = model()
    if "financial_year" in values:
        _unique_year(model, values["financial_year"])
        item.financial_year = values.pop("financial_year")
    _check(item, pcc=values)
    _apply(item, PCC_FIELDS[model], values)
    db.session.add(item)
    db.session.flush()
    _audit(item, {}, by=by, action="created")
    return item


def record_pcc_side(
    item: Any, *, by: User, expected_version: int | None = None, **values: Any
) -> None:
    """Record or correct the PCC's steps on `item`; refused when someone else saved it
    since `expected_version` (when given)."""
    if not policy.can_record_pcc_side(by):
        raise PermissionDeniedError("Only OPCC staff can record the PCC's steps")
    _save_side(item, PCC_FIELDS, values, by=by, expected_version=expected_version, pcc=values)


def record_panel_side(
    item: Any, *, by: User, expected_version: int | None = None, **values: Any
) -> None:
    """Record or correct the Panel's steps on `item`; refused when someone else saved it
    since `expected_version` (when given)."""
    if not policy.can_record_panel_side(by):
        raise PermissionDeniedError("Only Panel clerks can record the Panel's steps")
    _save_side(item, PANEL_FIELDS, values, by=by, expected_version=expected_version, panel=values)


def _save_side(
    item: Any,
    fields: dict[type, tuple[str, ...]],
    values: dict[str, Any],
    *,
    by: User,
    expected_version: int | None,
    **side: dict[str, Any],
) -> None:
    if expected_version is not None:
        ensure_current(item, expected_version, entity_type=ENTITY_TYPES[type(item)])
    _check(item, **side)
    before = snapshot(item)
    _apply(item, fields[type(item)], values)
    db.session.flush()
    _audit(item, before, by=by, action="updated")


def _check(
    item: Any, *, pcc: dict[str, Any] | None = None, panel: dict[str, Any] | None = None
) -> None:
    """Apply the rules for the side being recorded, before anything changes."""
    if isinstance(item, PreceptYear) and pcc is not None:
        _raise_first(
            rules.precept_pcc_errors(
                item,
                revised_band_d=pcc.get("revised_band_d"),
                response_on=pcc.get("response_on"),
                proposed_band_d=pcc.get("proposed_band_d"),
            )
        )
    if isinstance(item, PreceptYear) and panel is not None:
        _raise_first(
            rules.precept_panel_errors(
                vetoed=bool(panel.get("vetoed")),
                veto_reason=panel.get("veto_reason"),
                votes_for=panel.get("votes_for_veto"),
                panel_members=panel.get("panel_members"),
                report_on=panel.get("report_on"),
                second_report_on=panel.get("second_report_on"),
            )
        )
    if isinstance(item, ChiefConstableAppointment) and panel is not None:
        _raise_first(
            rules.appointment_panel_errors(
                vetoed=bool(panel.get("vetoed")),
                votes_for=panel.get("votes_for_veto"),
                panel_members=panel.get("panel_members"),
                recommendation=panel.get("recommendation"),
                hearing_on=panel.get("hearing_on"),
                report_on=panel.get("report_on"),
            )
        )
