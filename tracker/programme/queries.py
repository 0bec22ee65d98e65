"""What the A&A programme pages, reports and reminders read: the timetable, papers due,
lines of enquiry and public questions, each filtered by the policy's visibility rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import selectinload

from tracker import deadlines, policy
from tracker.db import db
from tracker.programme.models import BroughtAction, LineOfEnquiry, PublicQuestion
from tracker.settings.definitions import PAPERS_DUE_WORKING_DAYS
from tracker.settings.services import setting
from tracker.sources.models import Meeting, MeetingKind, MeetingSeries, MeetingState

# The financial year starts on 1 April.
FY_START_MONTH = 4


@dataclass(frozen=True)
class PapersDue:
    """A meeting and when the Chief Constable's papers for it are due."""

    meeting: Meeting
    due: deadlines.Deadline
    days_overdue: int

    @property
    def due_on(self) -> date:
        return self.due.due


def financial_year_of(day: date) -> int:
    """The year a financial year starts in: 2026 for 1 April 2026 to 31 March 2027."""
    return day.year if day.month >= FY_START_MONTH else day.year - 1


def financial_year_label(year: int) -> str:
    """ "2026/27" for the year starting April 2026."""
    return f"{year}/{(year + 1) % 100:02d}"


def papers_due(meetings: list[Meeting], today: date) -> list[PapersDue]:
    """Each meeting with its papers due date (one setting read for the lot)."""
    days = setting(PAPERS_DUE_WORKING_DAYS)
    rows = []
    for meeting in meetings:
        due = deadlines.working_days_before(meeting.held_on, days)
        rows.append(PapersDue(meeting, due, meeting.papers_days_overdue(due.due, today)))
    return rows


def visible_meetings(user: Any) -> Select[tuple[Meeting]]:
    """Every meeting `user` may see, with kind and series loaded."""
    return (
        select(Meeting)
        .where(policy.source_visibility(user, Meeting))
        .options(selectinload(Meeting.series))
        .order_by(Meeting.held_on, Meeting.id)
    )


def timetable(user: Any, year: int, today: date) -> list[PapersDue]:
    """The meetings of one financial year that `user` may see, with their papers due."""
    start = date(year, FY_START_MONTH, 1)
    end = date(year + 1, FY_START_MONTH, 1)
    query = visible_meetings(user).where(Meeting.held_on >= start, Meeting.held_on < end)
    return papers_due(list(db.session.scalars(query)), today)


def timetable_years(user: Any, today: date) -> list[int]:
    """The financial years with visible meetings, and the current one."""
    first, last = db.session.execute(
        select(func.min(Meeting.held_on), func.max(Meeting.held_on)).where(
            policy.source_visibility(user, Meeting)
        )
    ).one()
    current = financial_year_of(today)
    low = min(financial_year_of(first), current) if first else current
    high = max(financial_year_of(last), current) if last else current
    return list(range(high, low - 1, -1))


def papers_owed(today: date) -> ColumnElement[bool]:
    """Meetings whose papers the force still owes: planned, from `today` on, and not yet
    recorded as received (the one rule for the timetable, the asks page and reminders)."""
    return and_(
        Meeting.state == MeetingState.PLANNED,
        Meeting.papers_received_on.is_(None),
        Meeting.held_on >= today,
    )


def upcoming_papers(user: Any, today: date) -> list[PapersDue]:
    """Planned meetings `user` may see whose papers the force still owes, soonest first,
    with the due date and days overdue."""
    query = visible_meetings(user).where(papers_owed(today))
    return papers_due(list(db.session.scalars(query)), today)


def earlier_in_series(meeting: Meeting) -> ColumnElement[bool]:
    """Meetings before `meeting` in its series (meetings in no series: before it and of
    the same kind): where its matters arising come from."""
    same = (
        Meeting.series_id == meeting.series_id
        if meeting.series_id is not None
        else and_(Meeting.series_id.is_(None), Meeting.kind_id == meeting.kind_id)
    )
    return and_(same, Meeting.held_on < meeting.held_on)


def lines_of_enquiry(user: Any, meeting: Meeting) -> list[LineOfEnquiry]:
    """The lines of enquiry at `meeting` that `user` may see, in order."""
    return list(
        db.session.scalars(
            select(LineOfEnquiry)
            .where(LineOfEnquiry.meeting_id == meeting.id, policy.line_of_enquiry_visibility(user))
            .options(
                selectinload(LineOfEnquiry.answered_by), selectinload(LineOfEnquiry.concluded_by)
            )
            .order_by(LineOfEnquiry.position, LineOfEnquiry.id)
        )
    )


def outcome_summary(lines: list[LineOfEnquiry]) -> list[str]:
    """The meeting's outcome, drawn from the OPCC's conclusions on its lines of enquiry."""
    return [line.conclusion for line in lines if line.conclusion]


def public_questions(user: Any, meeting: Meeting) -> list[PublicQuestion]:
    """The public questions at `meeting` that `user` may see."""
    return list(
        db.session.scalars(
            select(PublicQuestion)
            .where(PublicQuestion.meeting_id == meeting.id, policy.public_question_visibility(user))
            .order_by(PublicQuestion.id)
        )
    )


def brought_actions(meeting: Meeting) -> list[BroughtAction]:
    """The actions brought to `meeting`'s matters arising on purpose (callers filter the
    actions by visibility)."""
    return list(
        db.session.scalars(
            select(BroughtAction)
            .where(BroughtAction.meeting_id == meeting.id)
            .options(selectinload(BroughtAction.action), selectinload(BroughtAction.brought_by))
            .order_by(BroughtAction.brought_at)
        )
    )


def active_kinds(current: MeetingKind | None = None) -> list[MeetingKind]:
    """Kinds offered on the meeting form: active ones, and the meeting's own."""
    kinds = list(
        db.session.scalars(
            select(MeetingKind).where(MeetingKind.active.is_(True)).order_by(MeetingKind.id)
        )
    )
    if current is not None and current not in kinds:
        kinds.append(current)
    return kinds


def all_kinds() -> list[tuple[MeetingKind, int]]:
    """Every kind with how many meetings use it (the admin list)."""
    usage = (
        select(Meeting.kind_id, func.count(Meeting.id).label("used"))
        .group_by(Meeting.kind_id)
        .subquery()
    )
    return [
        (kind, used or 0)
        for kind, used in db.session.execute(
            select(MeetingKind, usage.c.used)
            .outerjoin(usage, usage.c.kind_id == MeetingKind.id)
            .order_by(MeetingKind.active.desc(), MeetingKind.name)
        )
    ]


def active_series(current: MeetingSeries | None = None) -> list[MeetingSeries]:
    """Series offered on the meeting form."""
    series = list(
        db.session.scalars(
            select(MeetingSeries).where(MeetingSeries.active.is_(True)).order_by(MeetingSeries.name)
        )
    )
    if current is not None and current not in series:
        series.append(current)
    return series
