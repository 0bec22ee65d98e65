"""Planning a reminder run: work out who must be told what today, and fill the outbox.

Each reminder is first inserted as a ReminderItem whose unique key is (rule, item,
recipient, occurrence). The insert skips keys that exist, and returns only the rows
this run created, so a repeated or overlapping run (even two schedulers at once)
sends nothing twice. The new items are then gathered into one digest per recipient.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker import policy
from tracker.actions.models import COMPLETE_STATUSES, Action, ActionStatus, Marking, SourceType
from tracker.auth.models import Organisation, User
from tracker.db import db
from tracker.deadlines import format_long, why_not_working
from tracker.mail import absolute_url
from tracker.programme.queries import earlier_in_series, papers_due, papers_owed
from tracker.publication.providers import register
from tracker.reminders.digest import render_digest, shorten
from tracker.reminders.models import OutboxMessage, ReminderItem, ReminderOptOut
from tracker.reminders.rules import (
    Group,
    Schedule,
    deadline_occurrence,
    escalation_occurrence,
)
from tracker.responses.models import ResponseState, WrittenResponse
from tracker.responses.services import lateness, latest_by_subject
from tracker.settings.definitions import (
    ESCALATION_AFTER_DAYS,
    FORCE_LEAD_EMAIL,
    MEETING_UPDATE_DAYS_BEFORE,
    OPCC_LEAD_EMAIL,
    OVERDUE_REPEAT_DAYS,
    REMINDER_DAYS_BEFORE,
)
from tracker.settings.services import setting
from tracker.sources.models import (
    AdhocRequest,
    HmicfrsReport,
    Meeting,
    MeetingState,
    PanelItem,
    RequestStatus,
)
from tracker.statutory.queries import open_deadlines
from tracker.wording import in_sentence

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    """One thing to tell one person, before it is saved."""

    rule: str
    item_type: str
    item_id: int
    recipient_id: int
    occurrence: date
    group: Group
    line: str
    link: str
    marking: Marking = Marking.OFFICIAL
    # How the item is named in a subject line ("AA-2019-001"), and its deadline: the
    # earliest deadline in a section is its most urgent item.
    name: str = ""
    due: date | None = None
    # Submitted as implemented: the OPCC's turn, so the force is not reminded of it.
    awaiting_opcc: bool = False


@dataclass
class RunResult:
    """What a run planned: new reminders, digests written, and problems to look at."""

    planned: list[Reminder] = field(default_factory=list)
    new: list[Reminder] = field(default_factory=list)
    messages: list[OutboxMessage] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # (to, subject, number of items) for each digest, readable after a dry run too.
    summary: list[tuple[str, str, int]] = field(default_factory=list)


class _People:
    """Active users, opt-outs and the configured leads, loaded once per run."""

    def __init__(self, problems: list[str]) -> None:
        users = db.session.scalars(select(User).where(User.active.is_(True))).all()
        self.by_id = {u.id: u for u in users}
        by_email = {u.email: u for u in users}
        opt_outs = select(ReminderOptOut.user_id, ReminderOptOut.rule)
        self.opted_out = {(user_id, rule) for user_id, rule in db.session.execute(opt_outs)}
        self.opcc_lead = self._lead(
            by_email, setting(OPCC_LEAD_EMAIL), Organisation.OPCC, "OPCC lead", problems
        )
        self.force_lead = self._lead(
            by_email,
            setting(FORCE_LEAD_EMAIL),
            Organisation.FORCE,
            "force lead contact",
            problems,
        )

    @staticmethod
    def _lead(by_email, email: str, organisation, name: str, problems: list[str]) -> User | None:
        if not email:
            problems.append(f"No {name} is set in Settings: their reminders cannot be sent.")
            return None
        user = by_email.get(email.lower())
        if user is None or user.organisation != organisation:
            problems.append(f"The {name} ({email}) is not an active {organisation.label} user.")
            return None
        return user

    def wants(self, user_id: int, group: Group) -> bool:
        return group == Group.ESCALATION or (user_id, group.value) not in self.opted_out


def _for_recipient(reminder: Reminder, user: User) -> bool:
    """Whether `user` has anything to do about `reminder`: an action submitted as
    implemented waits for the OPCC's assurance, so only the OPCC hears about it."""
    return not reminder.awaiting_opcc or policy.is_opcc(user)


# Whether an action's meeting or Panel item is published (True for other sources), as a
# column of the one action query rather than a lazy load per action.
_SOURCE_PUBLISHED = case(
    (Action.source_type == SourceType.MEETING, func.coalesce(Meeting.published, False)),
    (Action.source_type == SourceType.PANEL, func.coalesce(PanelItem.published, False)),
    else_=True,
).label("source_published")


def _visibility(row: Any) -> dict[str, Any]:
    """The columns of an action row that decide who may be reminded about it."""
    return {
        "opcc_only": row.opcc_only,
        "owning_organisation": row.owning_organisation,
        "source_type": row.source_type,
        "source_published": row.source_published,
    }


def _action_link(action_id: int) -> str:
    return absolute_url(url_for("actions.show", action_id=action_id))


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _describe(name: str, title: str, due: date, today: date, *notes: str) -> str:
    """One digest line: "AA-1: Title (due 5 June 2026, 3 days overdue; owner Sam Jones)".

    Empty parts are left out, so no line ever shows a label with nothing after it.
    """
    overdue = (today - due).days
    when = f"due {format_long(due)}"
    if overdue > 0:
        when += f", {_days(overdue)} overdue"
    head = f"{name}: {title}" if title.strip() else name
    details = "; ".join(part for part in (when, *notes) if part)
    return f"{head} ({details})"


def plan_reminders(today: date, schedule: Schedule, people: _People) -> list[Reminder]:
    """Every reminder that applies on `today`, before de-duplication."""
    reminders: list[Reminder] = []

    def add(
        user: User | None,
        visible: dict[str, Any] | Callable[[User], bool],
        group: Group,
        occurrence: date,
        **item: Any,
    ) -> None:
        """`visible`: the values policy.can_view_action_values decides from, or (for
        records that are not actions) the policy function that decides."""
        if user is None or user.id not in people.by_id or not people.wants(user.id, group):
            return
        may_see = (
            visible(user) if callable(visible) else policy.can_view_action_values(user, **visible)
        )
        if not may_see:
            return  # restricted items are never sent to those who cannot see them
        reminder = Reminder(recipient_id=user.id, group=group, occurrence=occurrence, **item)
        if _for_recipient(reminder, user):
            reminders.append(reminder)

    horizon = today + timedelta(days=max(schedule.before_days, default=0))
    actions = db.session.execute(
        select(
            Action.id,
            Action.reference,
            Action.title,
            Action.due_on,
            Action.owner_id,
            Action.owning_organisation,
            Action.opcc_only,
            Action.marking,
            Action.source_type,
            Action.status,
            User.name.label("owner_name"),
            _SOURCE_PUBLISHED,
        )
        .join(User, Action.owner_id == User.id)
        .outerjoin(Meeting, Action.meeting_id == Meeting.id)
        .outerjoin(PanelItem, Action.panel_item_id == PanelItem.id)
        .where(Action.status.not_in(COMPLETE_STATUSES), Action.due_on <= horizon)
    ).all()
    for row in actions:
        awaiting_opcc = row.status == ActionStatus.IMPLEMENTED
        awaiting = "submitted as implemented, awaiting OPCC assurance" if awaiting_opcc else ""
        common = {
            "item_type": "action",
            "item_id": row.id,
            "line": _describe(row.reference, row.title, row.due_on, today, awaiting),
            "link": _action_link(row.id),
            "marking": row.marking,
            "name": row.reference,
            "due": row.due_on,
            "awaiting_opcc": awaiting_opcc,
        }
        found = deadline_occurrence(row.due_on, today, schedule)
        if found:
            group, occurrence = found
            add(
                people.by_id.get(row.owner_id),
                _visibility(row),
                group,
                occurrence,
                rule=f"action_{group.value}",
                **common,
            )
        escalate_on = escalation_occurrence(row.due_on, today, schedule)
        if escalate_on and (today - escalate_on).days <= schedule.lookback:
            org_lead = people.force_lead if row.owning_organisation == Organisation.FORCE else None
            owner = f"owner {row.owner_name} ({row.owning_organisation.label})"
            escalated = {
                **common,
                "line": _describe(row.reference, row.title, row.due_on, today, owner, awaiting),
            }
            for lead in {people.opcc_lead, org_lead} - {None}:
                add(
                    lead,
                    _visibility(row),
                    Group.ESCALATION,
                    escalate_on,
                    rule="action_escalation",
                    **escalated,
                )

    _meeting_update_round(today, schedule, people, add)
    _source_deadlines(today, schedule, people, add)
    _statutory_deadlines(today, schedule, people, add)
    _publication_deadlines(today, schedule, people, add)
    return reminders


def _meeting_update_round(today, schedule, people, add) -> None:
    """Owners of open actions from earlier meetings of the same kind, once per meeting."""
    days_before = setting(MEETING_UPDATE_DAYS_BEFORE)
    upcoming = db.session.scalars(
        select(Meeting).where(
            Meeting.held_on > today,
            Meeting.held_on <= today + timedelta(days=days_before),
            Meeting.state != MeetingState.CANCELLED,
        )
    ).all()
    for meeting in upcoming:
        ask_on = meeting.held_on - timedelta(days=days_before)
        if (today - ask_on).days > schedule.lookback:
            continue
        rows = db.session.execute(
            select(
                Action.id,
                Action.reference,
                Action.title,
                Action.due_on,
                Action.owner_id,
                Action.owning_organisation,
                Action.opcc_only,
                Action.marking,
                Action.source_type,
                Action.status,
                Meeting.published.label("source_published"),
            )
            .join(Meeting, Action.meeting_id == Meeting.id)
            .where(earlier_in_series(meeting), Action.status.not_in(COMPLETE_STATUSES))
        ).all()
        for row in rows:
            line = (
                f"{row.reference}: {row.title}: please add an update before the "
                f"{meeting.kind.in_sentence} meeting on {format_long(meeting.held_on)}"
            )
            add(
                people.by_id.get(row.owner_id),
                _visibility(row),
                Group.UPDATES_REQUESTED,
                meeting.held_on,
                rule=f"meeting_update_{meeting.id}",
                item_type="action",
                item_id=row.id,
                line=line,
                link=_action_link(row.id),
                marking=row.marking,
                name=row.reference,
                due=row.due_on,
                awaiting_opcc=row.status == ActionStatus.IMPLEMENTED,
            )


def _source_deadlines(today, schedule, people, add) -> None:
    """Ad-hoc responses, Panel responses, s.55, chief constable's comments and the
    chief constable's papers for A&A meetings."""

    def chase(
        due: date | None,
        item_type: str,
        item_id: int,
        text: str,
        name: str,
        link: str,
        recipients,
        *,
        source_type: SourceType,
        source_published: bool = True,
    ):
        if due is None:
            return
        # Sent to whoever may see an unrestricted force-owned action from this source.
        as_action = {
            "opcc_only": False,
            "owning_organisation": Organisation.FORCE,
            "source_type": source_type,
            "source_published": source_published,
        }
        found = deadline_occurrence(due, today, schedule)
        if not found:
            return
        group, occurrence = found
        for user in {r for r in recipients if r is not None}:
            add(
                user,
                as_action,
                group,
                occurrence,
                rule=f"{item_type}_{group.value}",
                item_type=item_type,
                item_id=item_id,
                line=_describe(text, "", due, today),
                link=link,
                name=shorten(name),
                due=due,
            )

    _request_deadlines(people, chase, add)
    for item in db.session.scalars(
        select(PanelItem).where(
            PanelItem.pcc_response_on.is_(None), PanelItem.response_due_on.is_not(None)
        )
    ):
        chase(
            item.response_due_on,
            "panel_item",
            item.id,
            f"Panel {item.kind.in_sentence} of {format_long(item.panel_meeting_on)}: PCC response",
            item.agenda_item.strip()
            or f"Panel {item.kind.in_sentence} of {format_long(item.panel_meeting_on)}",
            absolute_url(url_for("panel_items.show", item_id=item.id)),
            [people.opcc_lead],
            source_type=SourceType.PANEL,
            source_published=item.published,
        )
    _report_deadlines(people, chase, add)
    _papers_deadlines(today, people, chase)


def _awaiting_review(
    add, response: WrittenResponse, item_type: str, item_id: int, text: str, name: str, link, user
) -> None:
    """A response the force submitted is the OPCC's turn: the force's chasing stops
    and the OPCC is told once per submission that it awaits review."""
    if user is None or response.submitted_on is None:
        return
    line = (
        f"{text}: version {response.number} submitted {format_long(response.submitted_on)}"
        f" ({lateness(response)}), awaiting your review"
    )
    add(
        user,
        # Only OPCC staff are told (awaiting_opcc); they may see every source.
        {
            "opcc_only": False,
            "owning_organisation": Organisation.FORCE,
            "source_type": SourceType.ADHOC,
            "source_published": True,
        },
        Group.AWAITING_REVIEW,
        response.submitted_on,
        rule=f"{item_type}_review",
        item_type=item_type,
        item_id=item_id,
        line=line,
        link=link,
        name=shorten(name),
        due=response.due_on,
        awaiting_opcc=True,
    )


def _request_deadlines(people, chase, add) -> None:
    """Responses to ad-hoc requests: chased from the force and the author until submitted."""
    requests = db.session.scalars(
        select(AdhocRequest).where(AdhocRequest.status == RequestStatus.AWAITING)
    ).all()
    responses = latest_by_subject(AdhocRequest, [adhoc.id for adhoc in requests])
    for adhoc in requests:
        author = people.by_id.get(adhoc.author_id) if adhoc.author_id else None
        from_whom = f" from the {adhoc.recipient.strip()}" if adhoc.recipient.strip() else ""
        text = f"Ad-hoc request '{adhoc.subject}': response{from_whom}"
        name = f"ad-hoc request '{adhoc.subject}'"
        link = absolute_url(url_for("adhoc_requests.show", request_id=adhoc.id))
        response = responses.get(adhoc.id)
        if response is not None and response.state == ResponseState.SUBMITTED:
            reviewer = author or people.opcc_lead
            _awaiting_review(add, response, "adhoc_request", adhoc.id, text, name, link, reviewer)
            continue
        chase(
            adhoc.response_due_on,
            "adhoc_request",
            adhoc.id,
            text,
            name,
            link,
            [author, people.force_lead],
            source_type=SourceType.ADHOC,
        )


def _report_deadlines(people, chase, add) -> None:
    """s.55 comments (the OPCC) and the chief constable's comments (the OPCC, and the force
    when the report is addressed to it, until submitted)."""
    reports = db.session.scalars(
        select(HmicfrsReport).where(HmicfrsReport.comments_published_on.is_(None))
    ).all()
    comments = latest_by_subject(HmicfrsReport, [report.id for report in reports])
    for report in reports:
        link = absolute_url(url_for("hmicfrs.show", report_id=report.id))
        chase(
            report.pcc_comments_due_on,
            "hmicfrs_s55",
            report.id,
            f"HMICFRS '{report.title}': PCC comments (s.55)",
            f"s.55 comments on {report.code}",
            link,
            [people.opcc_lead],
            source_type=SourceType.HMICFRS,
        )
        if report.cc_comments_received_on is not None:
            continue  # accepted: nothing more to chase
        text = f"HMICFRS '{report.title}': chief constable's comments"
        name = f"chief constable's comments on {report.code}"
        response = comments.get(report.id)
        if response is not None and response.state == ResponseState.SUBMITTED:
            _awaiting_review(
                add, response, "hmicfrs_cc", report.id, text, name, link, people.opcc_lead
            )
            continue
        # The force writes the comments in the tracker when the report is addressed to it.
        force = people.force_lead if report.addressed_to_force else None
        chase(
            report.cc_comments_due_on,
            "hmicfrs_cc",
            report.id,
            text,
            name,
            link,
            [people.opcc_lead, force],
            source_type=SourceType.HMICFRS,
        )


def _papers_deadlines(today, people, chase) -> None:
    """The chief constable's papers before each planned A&A meeting (the force lead
    contact and the meeting's OPCC lead), until the OPCC records them as received."""
    planned = db.session.scalars(select(Meeting).where(papers_owed(today))).all()
    for row in papers_due(list(planned), today):
        meeting = row.meeting
        lead = people.by_id.get(meeting.opcc_lead_id) if meeting.opcc_lead_id else None
        chase(
            row.due_on,
            "meeting_papers",
            meeting.id,
            f"A&A meeting '{meeting.title}' on {format_long(meeting.held_on)}: "
            "chief constable's papers",
            f"papers for '{meeting.title}'",
            absolute_url(url_for("meetings.show", meeting_id=meeting.id)),
            [people.force_lead, lead],
            source_type=SourceType.MEETING,
            source_published=meeting.published,
        )


def _statutory_deadlines(today, schedule, people, add) -> None:
    """Statutory calendar steps still to be done: to every Panel clerk and the OPCC lead."""
    deadlines = open_deadlines(today)
    if not deadlines:
        return
    recipients = [u for u in people.by_id.values() if policy.is_panel(u)] + [people.opcc_lead]
    for deadline in deadlines:
        found = deadline_occurrence(deadline.due, today, schedule)
        if not found:
            continue
        group, occurrence = found
        for user in {r for r in recipients if r is not None}:
            add(
                user,
                policy.can_view_statutory,
                group,
                occurrence,
                rule=f"statutory_{group.value}",
                item_type=deadline.item_type,
                item_id=deadline.item_id,
                line=_describe(deadline.text, "", deadline.due, today),
                link=absolute_url(url_for(deadline.endpoint, **deadline.args)),
                name=shorten(deadline.name),
                due=deadline.due,
            )


# Publication reminders stop this many days after the due date (as the statutory steps'
# do), so the meetings held before the register existed are not chased for ever.
PUBLICATION_CHASE_DAYS = 28


def _publication_deadlines(today, schedule, people, add) -> None:
    """Items on the publication register not yet published: to the item's own lead (a
    meeting's OPCC lead) or else the OPCC lead, before, on and after the due date (for
    four weeks after it)."""
    for row in register():
        if row.published_on is not None or row.due is None or row.chased_elsewhere:
            continue
        if (today - row.due.due).days > PUBLICATION_CHASE_DAYS:
            continue  # long past: the register shows it as overdue; mail stops
        found = deadline_occurrence(row.due.due, today, schedule)
        if not found:
            continue
        group, occurrence = found
        lead = people.by_id.get(row.lead_id) if row.lead_id else None
        add(
            lead or people.opcc_lead,
            policy.can_view_publication_register,
            group,
            occurrence,
            rule=f"publication_{group.value}",
            item_type=f"publication_{row.record_type}",
            item_id=row.record_id,
            line=_describe(f"{row.kind}: {row.title}", "", row.due.due, today, "to publish"),
            link=absolute_url(row.record_link),
            name=shorten(f"{in_sentence(row.kind)} '{row.title}'"),
            due=row.due.due,
        )


def _insert_new(reminders: list[Reminder]) -> list[tuple[int, Reminder]]:
    """Insert reminder items, skipping existing keys; returns only the ones inserted here."""
    if not reminders:
        return []
    dialect = db.engine.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    by_key = {(r.rule, r.item_type, r.item_id, r.recipient_id, r.occurrence): r for r in reminders}
    inserted: list[tuple[int, Reminder]] = []
    keys = list(by_key)
    for start in range(0, len(keys), 1000):
        batch = keys[start : start + 1000]
        statement = (
            insert(ReminderItem)
            .values(
                [
                    {
                        "rule": k[0],
                        "item_type": k[1],
                        "item_id": k[2],
                        "recipient_id": k[3],
                        "occurrence": k[4],
                    }
                    for k in batch
                ]
            )
            .on_conflict_do_nothing(
                index_elements=["rule", "item_type", "item_id", "recipient_id", "occurrence"]
            )
            .returning(
                ReminderItem.id,
                ReminderItem.rule,
                ReminderItem.item_type,
                ReminderItem.item_id,
                ReminderItem.recipient_id,
                ReminderItem.occurrence,
            )
        )
        for row in db.session.execute(statement):
            inserted.append(
                (
                    row.id,
                    by_key[
                        (row.rule, row.item_type, row.item_id, row.recipient_id, row.occurrence)
                    ],
                )
            )
    return inserted


def run_planner(today: date, *, dry_run: bool = False) -> RunResult:
    """Plan today's reminders into the outbox (the caller commits, or rolls back a dry run).

    Nothing is planned on weekends and England and Wales bank holidays; the next working
    day's run catches up, because each reminder is keyed by the day it fell due.
    """
    result = RunResult()
    not_working = why_not_working(today)
    if not_working:
        result.problems.append(f"No reminders today: {not_working}.")
        return result
    schedule = Schedule(
        before_days=Schedule.parse_days(setting(REMINDER_DAYS_BEFORE)),
        overdue_every=setting(OVERDUE_REPEAT_DAYS),
        escalate_after=setting(ESCALATION_AFTER_DAYS),
    )
    people = _People(result.problems)
    result.planned = plan_reminders(today, schedule, people)
    inserted = _insert_new(result.planned)
    result.new = [reminder for _, reminder in inserted]
    by_recipient: dict[int, list[tuple[int, Reminder]]] = defaultdict(list)
    for item_id, reminder in inserted:
        by_recipient[reminder.recipient_id].append((item_id, reminder))
    for user_id, rows in sorted(by_recipient.items()):
        message = render_digest(people.by_id[user_id], [r for _, r in rows], today)
        db.session.add(message)
        db.session.flush()
        item_ids = [i for i, _ in rows]
        for start in range(0, len(item_ids), 1000):  # SQLite limits bound parameters
            db.session.execute(
                update(ReminderItem)
                .where(ReminderItem.id.in_(item_ids[start : start + 1000]))
                .values(message_id=message.id)
            )
        result.messages.append(message)
        result.summary.append((message.to_address, message.subject, len(rows)))
    for problem in result.problems:
        log.warning("reminder problem", extra={"problem": problem, "run_on": today.isoformat()})
    if dry_run:
        db.session.rollback()
    return result
