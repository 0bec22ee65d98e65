"""Load the demo sample data (`sample_data.json`) through the real services.

The data file says what happened and when, as offsets from the seeding day. The
loader turns each record and each step of an action's history into a dated step,
then runs the steps in date order (file order within a day) with the app's clock set
to that day, so timestamps, audit events and "as at" reports tell a consistent story.
Nothing is written directly: sources, actions, updates, status changes and extension
requests all go through the services a user's click would call.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tracker.actions import services as actions
from tracker.actions.models import Action, ActionStatus, Marking, Rag
from tracker.actions.status import Side, transition_for
from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.attachments.rules import PreparedFile, prepare_file
from tracker.audit.models import AuditEvent
from tracker.auth.models import Organisation, User
from tracker.db import db
from tracker.deadlines import is_working_day
from tracker.demo.clock import DemoClock
from tracker.filters import format_date
from tracker.programme import services as programme
from tracker.programme.queries import financial_year_label, financial_year_of
from tracker.responses import services as responses
from tracker.s55 import services as s55
from tracker.settings.models import Tag
from tracker.sources import services as sources
from tracker.sources.models import (
    AdhocRequest,
    Finding,
    FindingKind,
    HmicfrsReport,
    InspectorateStatus,
    Meeting,
    MeetingKind,
    PanelItem,
    PanelItemKind,
    PanelMatterState,
    PanelMeeting,
    PccResponseOutcome,
    ReportScope,
    ReportType,
    RequestStatus,
)
from tracker.sources.panel import services as panel
from tracker.sources.rules import meeting_state_for

SAMPLE_DATA_FILE = Path(__file__).with_name("sample_data.json")
OFFSET = re.compile(r"([+-]?\d+)([dw])")
# Text that names a date the data gives as an offset: "{date:-10w}" (27 July 2026),
# "{month:+3w}" (December 2026), "{fy:-10w}" (the financial year that day is in, 2026/27)
# and "{last_fy:-10w}" (the one before it, 2025/26).
DATED_TEXT = re.compile(r"\{(date|month|fy|last_fy):([+-]?\d+[dw])\}")
# Chief constable's comments are asked for within five weeks of publication.
CC_COMMENTS_DAYS = 35
WORKDAY_START = time(9, 0)


class SampleDataError(ValueError):
    """The sample data file does not hang together; the message names the record."""


@dataclass(frozen=True)
class Cast:
    """The demo users who record, own, update and assure things."""

    officer: User
    liaison: User
    # The administrator who approves s.55 responses for the PCC.
    admin: User | None = None
    # The Panel's clerk records the Panel's meetings, items, decisions and programme.
    clerk: User | None = None

    def user(self, side: str) -> User:
        """The demo user acting for `side` ("opcc" or "force")."""
        return self.officer if side == Side.OPCC else self.liaison


def read_sample_data(path: Path = SAMPLE_DATA_FILE) -> dict[str, Any]:
    """The parsed data file."""
    return json.loads(path.read_text(encoding="utf-8"))


def sample_data_present() -> bool:
    """Sample data is loaded once: any meeting means it (or real data) is there."""
    return bool(db.session.scalar(select(func.count(Meeting.id))))


def audit_trail_ends_by(instant: datetime) -> bool:
    """No audit event is later than `instant`, so history can be appended from then on
    (the hash chain's events must keep their times in order)."""
    latest = db.session.scalar(select(func.max(AuditEvent.occurred_at)))
    if latest is None:
        return True
    if latest.tzinfo is None:  # SQLite returns naive UTC
        latest = latest.replace(tzinfo=UTC)
    return latest <= instant


class SampleData:
    """The data file as dated steps, ready to run under a controlled clock."""

    def __init__(self, sample: dict[str, Any], today: date) -> None:
        self.today = today
        self._cast: Cast | None = None
        self.counts: Counter[str] = Counter()
        self._steps: list[tuple[date, int, Callable[[date], None]]] = []
        # The data as loaded: every dated placeholder written out for `today`.
        self.sample = sample = self._dated(sample)
        for spec in sample.get("hmicfrs_reports", []):
            self._report(spec)
        for spec in sample.get("meetings", []):
            self._meeting(spec)
        for spec in sample.get("adhoc_requests", []):
            self._adhoc_request(spec)
        for spec in sample.get("panel_meetings", []):
            self._panel_meeting(spec)
        for spec in sample.get("work_programme", []):
            self._programme_topic(spec)

    # Dates and steps ---------------------------------------------------------------------

    def _dated(self, value: Any) -> Any:
        """`value` with every dated placeholder in its text written out for the seeding
        day, so titles such as "Quarterly performance meeting, {month:-4w}" agree with the
        dates the meetings are given."""
        if isinstance(value, dict):
            return {key: self._dated(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._dated(item) for item in value]
        if isinstance(value, str):
            return DATED_TEXT.sub(self._date_text, value)
        return value

    def _date_text(self, match: re.Match[str]) -> str:
        day = self.day(match[2])
        if match[1] == "date":
            return format_date(day)
        if match[1] == "month":
            return format_date(day).split(" ", 1)[1]
        year = financial_year_of(day) - (match[1] == "last_fy")
        return financial_year_label(year)

    def day(self, offset: str) -> date:
        """The date `offset` ("-16w", "+3d", "0d") from today, moved off weekends and bank
        holidays: back for past dates, forward for future ones (so order is kept)."""
        match = OFFSET.fullmatch(str(offset).strip())
        if match is None:
            raise SampleDataError(f"{offset!r} is not an offset such as -16w, +3d or 0d")
        days = int(match[1]) * (7 if match[2] == "w" else 1)
        day = self.today + timedelta(days=days)
        nudge = timedelta(days=-1 if days < 0 else 1)
        while days and not is_working_day(day):
            day += nudge
        return day

    def _add(self, day: date, step: Callable[[date], None], what: str) -> None:
        if day > self.today:
            raise SampleDataError(f"{what} happens on {day}, after the seeding day")
        self._steps.append((day, len(self._steps), step))

    @property
    def first_day(self) -> date:
        """The day the story starts."""
        return min(day for day, _, _ in self._steps)

    def run(self, cast: Cast, clock: DemoClock) -> dict[str, int]:
        """Run every step on its day; returns how many of each record were created."""
        self._cast = cast
        per_day: Counter[date] = Counter()
        for day, _, step in sorted(self._steps, key=lambda s: (s[0], s[1])):
            if day >= self.today:
                clock.release()
            else:
                n = per_day[day]
                per_day[day] += 1
                clock.set(day, time(min(WORKDAY_START.hour + n // 30, 23), (n % 30) * 2))
            step(day)
        clock.release()
        return dict(self.counts)

    @property
    def cast(self) -> Cast:
        if self._cast is None:
            raise RuntimeError("The cast is known only while the sample data runs")
        return self._cast

    @property
    def officer(self) -> User:
        return self.cast.officer

    # Sources -----------------------------------------------------------------------------

    def _report(self, spec: dict[str, Any]) -> None:
        published = self.day(spec["published"])
        made: dict[str, Any] = {}

        def create(day: date) -> None:
            report = sources.create_source(
                HmicfrsReport,
                {
                    "code": spec["code"],
                    "title": spec["title"],
                    "report_type": ReportType(spec["report_type"]),
                    "scope": ReportScope(spec["scope"]),
                    "applies_to_force": spec.get("applies_to_force", False),
                    "published_on": day,
                    "cc_comments_due_on": day + timedelta(days=CC_COMMENTS_DAYS),
                    "comments_published_on": None,
                    "comments_url": "",
                    "sent_to_hmicfrs_on": None,
                    "sent_to_home_secretary_on": None,
                    **sources.s55_fields(day),
                },
                by=self.officer,
            )
            made["report"] = report
            for finding in spec.get("findings", []):
                parent = made.get(finding.get("parent"))
                made[finding["reference"]] = sources.create_source(
                    Finding,
                    {
                        "report_id": report.id,
                        "kind": FindingKind(finding["kind"]),
                        "reference": finding["reference"],
                        "text": finding["text"],
                        "parent_id": parent.id if parent else None,
                        "inspectorate_status": InspectorateStatus(finding["inspectorate_status"]),
                    },
                    by=self.officer,
                )

        self._add(published, create, spec["code"])
        self.counts["HMICFRS reports"] += 1
        if "comments_published" in spec:
            self._edit_later(
                made,
                "report",
                published,
                spec["comments_published"],
                lambda day: {
                    "comments_published_on": day,
                    "sent_to_hmicfrs_on": day,
                    "sent_to_home_secretary_on": day,
                },
            )
        self._written_responses(made, "report", published, spec.get("written_responses", []))
        if "s55_response" in spec:
            self._s55_response(made, published, spec["s55_response"])
        for finding in spec.get("findings", []):
            self.counts["findings"] += 1
            for action in finding.get("actions", []):
                self._action(partial(made.get, finding["reference"]), action, published)

    def _meeting_kind(self, name: str) -> MeetingKind:
        kind = programme.meeting_kind_named(name)
        if kind is None:
            programme.seed_meeting_kinds()
            kind = programme.meeting_kind_named(name)
        if kind is None:
            raise SampleDataError(f"{name!r} is not a meeting kind")
        return kind

    def _meeting(self, spec: dict[str, Any]) -> None:
        held = self.day(spec["held"])
        # A planned meeting is put in the timetable before it happens.
        recorded = self.day(spec["recorded"]) if "recorded" in spec else held
        made: dict[str, Meeting] = {}

        def create(day: date) -> None:
            series = spec.get("series")
            made["meeting"] = sources.create_source(
                Meeting,
                {
                    "kind_id": self._meeting_kind(spec["kind"]).id,
                    "series_id": programme.series_named(series, by=self.officer).id
                    if series
                    else None,
                    "state": meeting_state_for(held, self.today),
                    "held_on": held,
                    # A&A meetings in the demo start at 10:00 unless the data says.
                    "starts_at": time.fromisoformat(spec.get("starts", "10:00")),
                    "title": spec["title"],
                    "themes": "\n".join(spec.get("themes", [])),
                    "chair": "Police and Crime Commissioner",
                    "attendees": "PCC, Deputy PCC, Chief Executive, "
                    "Chief Constable, Deputy Chief Constable",
                    "minutes_url": "",
                    "published": spec["published"],
                    "opcc_lead_id": self.officer.id,
                },
                by=self.officer,
            )
            for line in spec.get("lines", []):
                self._line_of_enquiry(made["meeting"], line)
            for question in spec.get("public_questions", []):
                programme.save_public_question(
                    made["meeting"],
                    {
                        "question": question["question"],
                        "asked_by": question.get("asked_by", ""),
                        "answer": question.get("answer", ""),
                        "published": question.get("published", False),
                    },
                    by=self.officer,
                )

        self._add(recorded, create, spec["title"])
        self.counts["meetings"] += 1
        for action in spec.get("actions", []):
            self._action(partial(made.get, "meeting"), action, held)

    def _line_of_enquiry(self, meeting: Meeting, spec: dict[str, Any]) -> None:
        line = programme.add_line_of_enquiry(
            meeting, spec["question"], opcc_only=spec.get("opcc_only", False), by=self.officer
        )
        if spec.get("answer"):
            programme.answer_line(
                line, spec["answer"], by=self.cast.liaison, expected_version=line.version
            )
        if spec.get("conclusion"):
            programme.conclude_line(
                line, spec["conclusion"], by=self.officer, expected_version=line.version
            )

    def _adhoc_request(self, spec: dict[str, Any]) -> None:
        sent = self.day(spec["sent"])
        made: dict[str, AdhocRequest] = {}

        def create(day: date) -> None:
            made["request"] = sources.create_source(
                AdhocRequest,
                {
                    "subject": spec["subject"],
                    "detail": spec.get("detail", ""),
                    "sent_on": day,
                    "recipient": "Chief Constable",
                    "author_id": self.officer.id,
                    "status": RequestStatus.AWAITING,
                    **sources.adhoc_due_fields(day, None, ""),
                },
                by=self.officer,
            )

        self._add(sent, create, spec["subject"])
        self.counts["ad-hoc requests"] += 1
        response = spec.get("response")
        if response:
            self._edit_later(
                made,
                "request",
                sent,
                response["received"],
                lambda day: {
                    "response": response["text"],
                    "status": RequestStatus(response["status"]),
                    "response_received_on": day,
                },
            )
        self._written_responses(made, "request", sent, spec.get("written_responses", []))
        for action in spec.get("actions", []):
            self._action(partial(made.get, "request"), action, sent)

    @property
    def clerk(self) -> User:
        """The Panel's clerk (the officer when the cast has none)."""
        return self.cast.clerk or self.officer

    def _panel_meeting(self, spec: dict[str, Any]) -> None:
        held = self.day(spec["held"])
        # A meeting still to come is recorded on an earlier day (its agenda is planned).
        recorded = self.day(spec["recorded"]) if "recorded" in spec else held

        def create(day: date) -> None:
            sources.create_source(
                PanelMeeting,
                {"held_on": held, "title": spec["title"], "venue": spec.get("venue", "")},
                by=self.clerk,
            )

        self._add(recorded, create, f"Panel meeting {spec['held']}")
        self.counts["Panel meetings"] += 1
        default_due = spec.get("response_due")
        for agenda_item in spec["agenda_items"]:
            for item in agenda_item["items"]:
                due = item.get("response_due", default_due)
                self._panel_item(item, held, agenda_item["title"], self.day(due) if due else None)

    def _panel_item(
        self, spec: dict[str, Any], held: date, agenda_item: str, due: date | None
    ) -> None:
        made: dict[str, PanelItem] = {}

        def create(day: date) -> None:
            made["item"] = sources.create_source(
                PanelItem,
                {
                    "panel_meeting_on": day,
                    "agenda_item": agenda_item,
                    "minute_number": spec.get("minute", ""),
                    "kind": PanelItemKind(spec["kind"]),
                    "text": spec["text"],
                    "response_due_on": due,
                    "published": spec.get("published", True),
                },
                by=self.clerk,
            )

        self._add(held, create, spec["text"])
        self.counts["panel items"] += 1
        response = spec.get("pcc_response")
        if response:
            self._pcc_response(made, held, response)
        conclusion = spec.get("conclusion")
        if conclusion:
            self._panel_conclusion(made, held, conclusion)
        for action in spec.get("actions", []):
            self._action(partial(made.get, "item"), action, held)

    def _pcc_response(self, made: dict[str, PanelItem], held: date, spec: dict[str, Any]) -> None:
        """The OPCC records the PCC's response on the day it was given."""

        def record(day: date) -> None:
            item = made["item"]
            panel.record_pcc_response(
                item,
                outcome=PccResponseOutcome(spec.get("outcome", "accepted")),
                text=spec["text"],
                responded_on=day,
                by=self.officer,
                expected_version=item.version,
            )

        day = self.day(spec["on"])
        if day < held:
            raise SampleDataError(f"A PCC response on {day} is before its Panel meeting")
        self._add(day, record, spec["text"])

    def _panel_conclusion(
        self, made: dict[str, PanelItem], held: date, spec: dict[str, Any]
    ) -> None:
        """The clerk records the Panel's decision: concluded, or carried forward."""
        target = self.day(spec["to"]) if spec.get("to") else None

        def conclude(day: date) -> None:
            item = made["item"]
            later = None
            if target is not None:
                later = db.session.scalar(
                    select(PanelMeeting).where(PanelMeeting.held_on == target)
                )
            panel.conclude_panel_item(
                item,
                state=PanelMatterState(spec["state"]),
                carried_forward_to=later,
                note=spec.get("note", ""),
                by=self.clerk,
                expected_version=item.version,
            )

        self._add(self.day(spec["on"]), conclude, f"Panel decision on {spec['on']}")

    def _programme_topic(self, spec: dict[str, Any]) -> None:
        """A topic the clerk puts on the Panel's work programme."""
        planned = self.day(spec["meeting"]) if spec.get("meeting") else None

        def add(day: date) -> None:
            meeting_id = None
            if planned is not None:
                meeting_id = db.session.scalar(
                    select(PanelMeeting.id).where(PanelMeeting.held_on == planned)
                )
            panel.add_programme_item(
                {
                    "topic": spec["topic"],
                    "panel_meeting_id": meeting_id,
                    "last_reported_on": self.day(spec["last_reported"])
                    if spec.get("last_reported")
                    else None,
                    "report_requested": bool(spec.get("report_due")),
                    "report_due_on": self.day(spec["report_due"])
                    if spec.get("report_due")
                    else None,
                    "notes": spec.get("notes", ""),
                },
                by=self.clerk,
            )

        self._add(self.day(spec["added"]), add, spec["topic"])
        self.counts["work programme topics"] += 1

    def _edit_later(
        self,
        made: dict[str, Any],
        key: str,
        earlier: date,
        offset: str,
        fields: Callable[[date], dict[str, Any]],
    ) -> None:
        """Change the source made under `key` on the day `offset`, as an officer would."""

        def edit(day: date) -> None:
            source = made[key]
            sources.edit_source(
                source, fields(day), by=self.officer, expected_version=source.version
            )

        self._add(self._after(earlier, offset, key), edit, f"A change to a {key}")

    def _written_responses(
        self, made: dict[str, Any], key: str, earlier: date, steps: list[dict[str, Any]]
    ) -> None:
        """The force drafts and submits, the OPCC sends back or accepts, each on its day."""

        def step_for(spec: dict[str, Any]) -> Callable[[date], None]:
            def run(day: date) -> None:
                subject = made[key]
                token = responses.based_on(responses.latest_for(subject))
                force, opcc = self.cast.liaison, self.officer
                files = _demo_files(spec)
                if spec["step"] == "draft":
                    responses.save_draft(
                        subject, spec["text"], by=force, based_on_token=token, files=files
                    )
                elif spec["step"] == "submit":
                    responses.submit(
                        subject, spec["text"], by=force, based_on_token=token, files=files
                    )
                elif spec["step"] == "send_back":
                    responses.send_back(subject, spec["reason"], by=opcc, based_on_token=token)
                else:
                    responses.accept(
                        subject,
                        method=AssuranceMethod(spec["method"]),
                        verdict=AssuranceVerdict(spec["verdict"]),
                        note=spec.get("note", ""),
                        by=opcc,
                        based_on_token=token,
                    )

            return run

        for spec in steps:
            day = self._after(earlier, spec["at"], f"A written response to a {key}")
            self._add(day, step_for(spec), f"A written response to a {key}")
            self.counts["written response steps"] += 1

    def _s55_response(self, made: dict[str, Any], earlier: date, spec: dict[str, Any]) -> None:
        """The PCC's s.55 response: drafted, given its comments and submitted, approved,
        published and sent, each on its day, as far as the sample goes."""

        def step_for(step: dict[str, Any]) -> Callable[[date], None]:
            def run(day: date) -> None:
                report, opcc = made["report"], self.officer
                if step["step"] == "draft":
                    made["s55"] = s55.build_draft(
                        report, by=opcc, include_afis=spec.get("include_afis", False)
                    )
                    return
                response = made["s55"]
                if step["step"] == "write":
                    s55.save_text(
                        response,
                        cc_comments=response.cc_comments,
                        pcc_comments=step["pcc_comments"],
                        entries={
                            entry.id: (
                                entry.action_text,
                                "" if entry.action_text else step["reason"],
                            )
                            for entry in response.entries
                        },
                        by=opcc,
                        expected_version=response.version,
                    )
                elif step["step"] == "submit":
                    s55.submit(response, by=opcc, expected_version=response.version)
                elif step["step"] == "approve":
                    s55.approve(response, by=self.cast.admin, expected_version=response.version)
                elif step["step"] == "publish":
                    s55.publish(
                        response,
                        published_on=day,
                        url=step["url"],
                        by=opcc,
                        expected_version=response.version,
                    )
                else:
                    s55.record_sent(
                        response,
                        to_hmicfrs_on=day,
                        to_home_secretary_on=day,
                        by=opcc,
                        expected_version=response.version,
                    )

            return run

        for step in spec["steps"]:
            day = self._after(earlier, step["at"], "An s.55 response step")
            self._add(day, step_for(step), "An s.55 response step")
        self.counts["s.55 responses"] += 1

    def _after(self, earlier: date, offset: str, what: str) -> date:
        later = self.day(offset)
        if later < earlier:
            raise SampleDataError(f"{what}: {offset} is before the date it follows")
        return later

    # Actions -----------------------------------------------------------------------------

    def _action(self, source_of: Callable[[], Any], spec: dict[str, Any], source_day: date) -> None:
        title = spec["title"]
        raised = self._after(source_day, spec["raised"], title) if "raised" in spec else source_day
        due = self.day(spec["due"])
        if due < raised:
            raise SampleDataError(f"{title}: due {due} is before it was raised on {raised}")
        if spec["owner"] == Side.FORCE and spec.get("opcc_only"):
            raise SampleDataError(f"{title}: a force-owned action cannot be OPCC-only")
        made: dict[str, Action] = {}

        def create(day: date) -> None:
            owner = self.cast.user(spec["owner"])
            details = actions.ActionDetails(
                title=title,
                description=spec.get("description", ""),
                owner=owner,
                owning_organisation=Organisation(owner.organisation),
                lead_role=spec.get("lead_role", ""),
                raised_on=day,
                due_on=due,
                marking=Marking(spec.get("marking", Marking.OFFICIAL.value)),
                opcc_only=spec.get("opcc_only", False),
                opcc_note="",
                tags=_tags(spec.get("tags", []), title),
            )
            made["action"] = actions.create_action(source_of(), details, by=self.officer)
            if spec.get("published_to_panel"):
                db.session.flush()
                action = made["action"]
                actions.publish_to_panel(
                    action, by=self.officer, publish=True, expected_version=action.version
                )

        self._add(raised, create, title)
        self.counts["actions"] += 1
        previous = raised
        for step in spec.get("history", []):
            previous = self._after(previous, step["at"], title)
            self._add(previous, partial(self._history_step, made, step), title)

    def _history_step(self, made: dict[str, Action], step: dict[str, Any], day: date) -> None:
        action = made["action"]
        owner_side = Side.FORCE if action.owning_organisation == Organisation.FORCE else Side.OPCC
        if "status" in step:
            target = ActionStatus(step["status"])
            declared = transition_for(action.status, target)
            # The owner's side moves the action unless only the OPCC may make this move.
            side = owner_side if declared and owner_side in declared.sides else Side.OPCC
            by = self.cast.user(step.get("by", side))
            if "verdict" in step:  # the OPCC's assurance: closes it or sends it back
                actions.assure(
                    action,
                    by=by,
                    method=AssuranceMethod(step["method"]),
                    verdict=AssuranceVerdict(step["verdict"]),
                    note=step.get("note", ""),
                    today=day,
                )
            else:
                actions.transition(action, target, by=by, note=step.get("note", ""), today=day)
        elif "update" in step:
            actions.add_update(
                action,
                by=self.cast.user(step.get("by", owner_side)),
                text=step["update"],
                rag=Rag(step["rag"]) if "rag" in step else None,
                opcc_only=step.get("opcc_only", False),
                files=_demo_files(step),
            )
        elif "extension" in step:
            actions.request_extension(
                action,
                by=self.cast.user(step.get("by", owner_side)),
                proposed_due_on=self.day(step["extension"]),
                reason=step["reason"],
            )
        elif "decision" in step:
            actions.decide_extension(
                action.extension_requests[-1],
                by=self.cast.user(step.get("by", Side.OPCC)),
                approve=step["decision"] == "approved",
                note=step.get("note", ""),
            )
        else:
            raise SampleDataError(f"{action.title}: unknown history step {step!r}")


def _tags(names: list[str], title: str) -> list[Tag]:
    tags = list(db.session.scalars(select(Tag).where(Tag.name.in_(names))))
    if len(tags) != len(set(names)):
        missing = set(names) - {t.name for t in tags}
        raise SampleDataError(f"{title}: no reference list entry named {sorted(missing)}")
    return tags


def _demo_files(spec: dict[str, Any]) -> list[PreparedFile]:
    """The files a sample step attaches: small text or CSV documents written in the data."""
    return [prepare_file(f["name"], f["text"].encode()) for f in spec.get("files", [])]
