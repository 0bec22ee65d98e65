"""Factories for sources and actions, written through the ORM for speed.

Each returns a detached instance whose attributes stay readable after the session
closes. Call them inside or outside an app context.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from tracker.actions.models import Action, ActionStatus, Marking, SourceType
from tracker.auth.models import Organisation, User
from tracker.db import db
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    FindingKind,
    HmicfrsReport,
    Meeting,
    MeetingKind,
    MeetingState,
    PanelItem,
    PanelItemKind,
    PanelMeeting,
    ReportScope,
    ReportType,
)

# One counter per app, and the `app` fixture is per test: the names, subjects and
# references a test gets do not depend on which tests ran before it.
_numbers: WeakKeyDictionary[Any, Iterator[int]] = WeakKeyDictionary()


def _next_number(app) -> int:
    """The next number in this app's sequence (1, 2, 3, ... within one test)."""
    return next(_numbers.setdefault(app, count(1)))


def london_today() -> date:
    """Today as the app sees it (Europe/London), so tests agree with it near midnight."""
    return datetime.now(UTC).astimezone(ZoneInfo("Europe/London")).date()


def _save(app, record: Any) -> Any:
    with app.app_context():
        db.session.add(record)
        db.session.commit()
        db.session.refresh(record)
        db.session.expunge(record)
    return record


def meeting_kind(app, name: str = "performance") -> MeetingKind:
    """The meeting kind called `name` (or an old value such as "performance"), added to
    the list when it is not there yet."""
    from sqlalchemy import select

    from tracker.sources.models import LEGACY_MEETING_KINDS

    name = LEGACY_MEETING_KINDS.get(name, name)
    with app.app_context():
        kind = db.session.scalar(select(MeetingKind).where(MeetingKind.name == name))
        if kind is None:
            kind = MeetingKind(name=name, active=True)
            db.session.add(kind)
            db.session.commit()
        db.session.refresh(kind)
        db.session.expunge(kind)
        return kind


def make_meeting(app, **fields: Any) -> Meeting:
    kind = fields.pop("kind", "performance")
    if isinstance(kind, str):
        kind = meeting_kind(app, kind)
    values = {
        "kind_id": kind.id,
        "held_on": date(2023, 6, 5),
        "title": f"Performance meeting {_next_number(app)}",
        "published": True,
        "state": MeetingState.HELD,
    }
    values.update(fields)
    return _save(app, Meeting(**values))


def make_adhoc_request(app, **fields: Any) -> AdhocRequest:
    values = {
        "subject": f"Crime and public confidence in Pershore {_next_number(app)}",
        "sent_on": date(2023, 7, 3),
        "response_due_on": date(2023, 7, 17),
    }
    values.update(fields)
    return _save(app, AdhocRequest(**values))


def make_panel_item(app, **fields: Any) -> PanelItem:
    values = {
        "panel_meeting_on": date(2023, 7, 27),
        "kind": PanelItemKind.INFORMATION,
        "text": "Details of how many of the 500 new officers are front line",
        "published": True,
    }
    values.update(fields)
    return _save(app, PanelItem(**values))


def make_panel_meeting(app, **fields: Any) -> PanelMeeting:
    values = {"held_on": date(2023, 7, 27), "title": "West Mercia Police and Crime Panel"}
    values.update(fields)
    return _save(app, PanelMeeting(**values))


def make_report(app, **fields: Any) -> HmicfrsReport:
    n = _next_number(app)
    values = {
        "code": f"PEEL{n}",
        "title": f"PEEL 2021/22 inspection {n}",
        "report_type": ReportType.PEEL,
        "scope": ReportScope.FORCE,
        "published_on": date(2022, 6, 15),
        "pcc_comments_due_on": date(2022, 8, 9),
    }
    values.update(fields)
    return _save(app, HmicfrsReport(**values))


def make_finding(app, report: HmicfrsReport, **fields: Any) -> Finding:
    values = {
        "report_id": report.id,
        "kind": FindingKind.RECOMMENDATION,
        "reference": f"R{_next_number(app)}",
        "text": "The force should improve call handling",
    }
    values.update(fields)
    return _save(app, Finding(**values))


_SOURCE_FIELD = {
    Meeting: ("meeting_id", SourceType.MEETING),
    AdhocRequest: ("adhoc_request_id", SourceType.ADHOC),
    PanelItem: ("panel_item_id", SourceType.PANEL),
    Finding: ("finding_id", SourceType.HMICFRS),
}


def make_action(app, source: Any, owner: User, **fields: Any) -> Action:
    """An action arising from `source`, owned by `owner` (force-owned for force users,
    unless restricted to the OPCC: a force-owned action cannot be)."""
    column, source_type = _SOURCE_FIELD[type(source)]
    due = fields.pop("due_on", london_today() + timedelta(days=30))
    raised = fields.pop("raised_on", min(london_today(), due) - timedelta(days=30))
    values = {
        "reference": f"T-{_next_number(app):05d}",
        "title": "Review the victims needs assessment",
        "source_type": source_type,
        column: source.id,
        "owner_id": owner.id,
        "owning_organisation": Organisation.FORCE
        if owner.organisation == Organisation.FORCE and not fields.get("opcc_only")
        else Organisation.OPCC,
        "raised_on": raised,
        "due_on": due,
        "original_due_on": fields.pop("original_due_on", due),
        "marking": Marking.OFFICIAL,
        "status": ActionStatus.OPEN,
    }
    if source_type == SourceType.MEETING:
        values["meeting_item_no"] = fields.pop("meeting_item_no", 1)
    values.update(fields)
    if values["status"] == ActionStatus.CLOSED and "closed_on" not in values:
        values["closed_on"] = london_today()
    return _save(app, Action(**values))
