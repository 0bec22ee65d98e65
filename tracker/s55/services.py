"""State changes for s.55 responses: draft, edit, submit, approve, publish, send.

One function per verb; each checks permission through `policy`, enforces the rules
(raising S55RuleError with the field it belongs to), writes the audit event on the
HMICFRS report (so the report's history tells the whole story) and flushes. The view,
the demo seeder and tests all call these; the caller commits.

`TRANSITIONS` is the one table of state moves. Publishing and sending also record the
dates on the report itself (comments_published_on, comments_url, sent_to_...), which the
report page, reminders and calendars already read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker import policy
from tracker.actions.models import Action, ActionUpdate
from tracker.actions.rag import highest_marking
from tracker.audit.services import diff, record
from tracker.audit.vocabulary import AuditEntity, record_fields
from tracker.auth.models import User
from tracker.clock import today as local_today
from tracker.db import db, utcnow
from tracker.errors import ConflictError, PermissionDeniedError, RuleError
from tracker.filters import format_date
from tracker.responses.models import ResponseState, WrittenResponse
from tracker.s55.models import TEXT_MAX, URL_MAX, S55Entry, S55Response, S55State
from tracker.sources.models import Finding, FindingKind, HmicfrsReport

NO_ACTION = "No action recorded."


class S55RuleError(RuleError):
    """A change to an s.55 response the rules do not allow; the message says why."""


@dataclass(frozen=True)
class Transition:
    """One move of the state machine: who may make it and what it is called in history."""

    verb: str
    who: str  # "opcc" or "admin"


TRANSITIONS: dict[tuple[S55State, S55State], Transition] = {
    (S55State.DRAFT, S55State.AWAITING_APPROVAL): Transition("submitted for approval", "opcc"),
    (S55State.AWAITING_APPROVAL, S55State.APPROVED): Transition("approved", "admin"),
    (S55State.APPROVED, S55State.PUBLISHED): Transition("published", "opcc"),
    (S55State.PUBLISHED, S55State.SENT): Transition(
        "sent to HMICFRS and the Home Secretary", "opcc"
    ),
}


# Reading --------------------------------------------------------------------------------


def versions_for(report: HmicfrsReport) -> list[S55Response]:
    """Every version of the s.55 response to `report`, first to last."""
    return list(
        db.session.scalars(
            select(S55Response)
            .where(S55Response.report_id == report.id)
            .order_by(S55Response.number)
        )
    )


def current_for(report: HmicfrsReport) -> S55Response | None:
    """The current (latest) version, or None before the first draft."""
    return db.session.scalars(
        select(S55Response)
        .where(S55Response.report_id == report.id)
        .order_by(S55Response.number.desc())
        .limit(1)
    ).first()


def latest_cc_comments(report: HmicfrsReport) -> str:
    """The force's latest accepted or submitted comments on the report (tracker.responses)."""
    response = db.session.scalars(
        select(WrittenResponse)
        .where(
            WrittenResponse.hmicfrs_report_id == report.id,
            WrittenResponse.state.in_((ResponseState.ACCEPTED, ResponseState.SUBMITTED)),
        )
        .order_by(WrittenResponse.number.desc())
        .limit(1)
    ).first()
    if response is not None:
        return response.text
    return report.cc_comments or ""


def findings_in(report: HmicfrsReport, *, include_afis: bool) -> list[Finding]:
    """The findings a response answers: recommendations and causes of concern, and areas
    for improvement when the office chooses, in the report's order."""
    return [
        finding
        for finding in report.findings
        if include_afis or finding.kind != FindingKind.AREA_FOR_IMPROVEMENT
    ]


def public_actions(finding: Finding) -> list[Action]:
    """The finding's actions that may go into a published response (not OPCC-only)."""
    return [action for action in finding.actions if not action.opcc_only]


def latest_public_update(action: Action) -> ActionUpdate | None:
    """The action's latest update with words in it that is not OPCC-only."""
    updates = [u for u in action.updates if not u.opcc_only and u.text.strip()]
    return max(updates, key=lambda u: (u.created_at, u.id), default=None)


def describe_action(action: Action) -> str:
    """One action as the response words it: title, owner role, status, due date and the
    latest update with its date."""
    owner = action.lead_role or action.owner.role.label
    lines = [
        f"{action.title} (owner: {owner}; status: {action.status.label}; "
        f"due {format_date(action.due_on)})"
    ]
    update = latest_public_update(action)
    if update is not None:
        lines.append(f"Latest update, {format_date(update.created_at)}: {update.text.strip()}")
    return "\n".join(lines)


def drafted_text(finding: Finding) -> str:
    """The "action taken or proposed" text drafted from the finding's actions."""
    actions = public_actions(finding)
    if not actions:
        return ""
    return "\n\n".join(describe_action(action) for action in actions)


# Changing -------------------------------------------------------------------------------


def _audit(report: HmicfrsReport, by: User, action: str, summary: str, changes=None) -> None:
    record(
        actor=by,
        entity_type=AuditEntity.HMICFRS_REPORT,
        entity_id=report.id,
        action=action,
        summary=summary,
        changes=changes,
        version=report.version,
    )


def _name(response: S55Response) -> str:
    return f"Version {response.number} of the s.55 response"


def _require_opcc(by: User) -> None:
    if not policy.can_draft_s55(by):
        raise PermissionDeniedError("Only OPCC staff can work on the s.55 response")


def _check_version(response: S55Response, expected_version: int | None) -> None:
    if expected_version is None or response.version == expected_version:
        return
    raise ConflictError(
        f"{_name(response)} was changed by someone else while you were looking at it: it "
        f"is now “{response.state.label}”. Your changes have not been saved. Check the "
        "current text and try again."
    )


def build_draft(report: HmicfrsReport, *, by: User, include_afis: bool) -> S55Response:
    """Draft a new version from the tracker's data: the Chief Constable's comments, and
    one entry per recommendation and cause of concern (and AFI when chosen) listing its
    actions. Refused while a version is still being drafted or approved."""
    _require_opcc(by)
    if not report.addressed_to_force:
        raise S55RuleError("This report does not apply to the force: no s.55 response is due")
    current = current_for(report)
    if current is not None and not current.state.frozen:
        raise S55RuleError(
            f"{_name(current)} is {current.state.in_sentence}: edit it rather than drafting another"
        )
    findings = findings_in(report, include_afis=include_afis)
    drafted_actions = [a for f in findings for a in public_actions(f)]
    response = S55Response(
        report_id=report.id,
        number=(current.number + 1) if current else 1,
        state=S55State.DRAFT,
        cc_comments=latest_cc_comments(report),
        pcc_comments=current.pcc_comments if current else "",
        include_afis=include_afis,
        marking=highest_marking(a.marking for a in drafted_actions),
        drafted_by_id=by.id,
        entries=[
            S55Entry(finding_id=finding.id, position=index, action_text=drafted_text(finding))
            for index, finding in enumerate(findings, start=1)
        ],
    )
    db.session.add(response)
    db.session.flush()
    _audit(
        report,
        by,
        "s55_drafted",
        f"{_name(response)} drafted from the tracker ({len(findings)} findings"
        + (", areas for improvement included)" if include_afis else ")"),
    )
    return response


def _checked_text(value: str, label: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        raise S55RuleError(f"{label} must be {TEXT_MAX:,} characters or fewer", field=field)
    return value


def save_text(
    response: S55Response,
    *,
    cc_comments: str,
    pcc_comments: str,
    entries: dict[int, tuple[str, str]],
    by: User,
    expected_version: int | None,
) -> S55Response:
    """Save the edited text: both comments and, per entry id, (action text, reason no
    action is taken). Refused once approved: approved text is frozen."""
    _require_opcc(by)
    _check_version(response, expected_version)
    if response.state.frozen:
        raise S55RuleError(
            f"{_name(response)} has been {response.state.in_sentence}, so its text is "
            "frozen. Draft a new version to change it."
        )
    response.cc_comments = _checked_text(cc_comments, "The Chief Constable's comments", "cc")
    response.pcc_comments = _checked_text(pcc_comments, "The PCC's comments", "pcc_comments")
    for entry in response.entries:
        if entry.id in entries:
            action_text, reason = entries[entry.id]
            field = f"action_{entry.id}"
            entry.action_text = _checked_text(action_text, "Action taken or proposed", field)
            entry.no_action_reason = _checked_text(reason, "Reason no action is taken", field)
    response.updated_at = utcnow()  # the row's version moves even when only entries changed
    db.session.flush()
    _audit(response.report, by, "s55_edited", f"{_name(response)} edited")
    return response


def _move(response: S55Response, target: S55State, by: User) -> Transition:
    transition = TRANSITIONS.get((response.state, target))
    if transition is None:
        raise S55RuleError(
            f"{_name(response)} is {response.state.in_sentence}: it cannot be "
            f"{target.in_sentence} now"
        )
    allowed = policy.can_approve_s55 if transition.who == "admin" else policy.can_draft_s55
    if not allowed(by):
        raise PermissionDeniedError(f"You may not record the s.55 response as {target.label}")
    response.state = target
    return transition


def submit(response: S55Response, *, by: User, expected_version: int | None) -> S55Response:
    """Send the draft for approval: it needs the PCC's comments, and for every finding
    the action taken or proposed or the reason none is."""
    _check_version(response, expected_version)
    if response.state == S55State.DRAFT:
        if not response.pcc_comments.strip():
            raise S55RuleError(
                "Enter the PCC's comments before submitting for approval", field="pcc_comments"
            )
        missing = [
            e.finding.reference
            for e in response.entries
            if not e.action_text.strip() and not e.no_action_reason.strip()
        ]
        if missing:
            raise S55RuleError(
                "Say what action has been or will be taken, or why none is, for "
                + ", ".join(missing)
            )
    transition = _move(response, S55State.AWAITING_APPROVAL, by)
    response.submitted_at = utcnow()
    db.session.flush()
    _audit(response.report, by, "s55_submitted", f"{_name(response)} {transition.verb}")
    return response


def approve(
    response: S55Response, *, by: User, expected_version: int | None, on: date | None = None
) -> S55Response:
    """Approve for the PCC (administrators); from here the text is frozen."""
    _check_version(response, expected_version)
    if not policy.can_approve_s55(by):
        raise PermissionDeniedError("Only an administrator acting for the PCC can approve")
    if response.state != S55State.AWAITING_APPROVAL:
        raise S55RuleError(
            f"{_name(response)} is {response.state.in_sentence}: only a response awaiting "
            "approval can be approved"
        )
    transition = _move(response, S55State.APPROVED, by)
    response.approved_by_id = by.id
    response.approved_on = on or local_today()
    db.session.flush()
    _audit(response.report, by, "s55_approved", f"{_name(response)} {transition.verb}")
    return response


def _report_snapshot(report: HmicfrsReport) -> dict:
    return {name: getattr(report, name) for name in record_fields(AuditEntity.HMICFRS_REPORT)}


def _check_day(day: date | None, *, label: str, field: str, after: date | None, since: str):
    if day is None:
        raise S55RuleError(f"Enter the date {label}", field=field)
    if day > local_today():
        raise S55RuleError(f"The date {label} must be today or in the past", field=field)
    if after is not None and day < after:
        raise S55RuleError(
            f"The date {label} must be on or after {since} ({format_date(after)})", field=field
        )


def publish(
    response: S55Response,
    *,
    published_on: date | None,
    url: str,
    by: User,
    expected_version: int | None,
) -> S55Response:
    """Record publication: a date (not before approval, not in the future) and the https
    address. The response becomes public, and the report records the same."""
    _check_version(response, expected_version)
    if response.state != S55State.APPROVED:
        raise S55RuleError(
            f"{_name(response)} is {response.state.in_sentence}: only an approved response "
            "can be published"
        )
    _check_day(
        published_on,
        label="it was published",
        field="published_on",
        after=response.approved_on,
        since="the date it was approved",
    )
    url = (url or "").strip()
    if not url.startswith("https://") or len(url) <= len("https://") or " " in url:
        raise S55RuleError(
            "Enter the web address it was published at, starting https://", field="url"
        )
    if len(url) > URL_MAX:
        raise S55RuleError(f"Web address must be {URL_MAX} characters or fewer", field="url")
    transition = _move(response, S55State.PUBLISHED, by)
    response.published_on = published_on
    response.published_url = url
    response.public = True
    report = response.report
    before = _report_snapshot(report)
    report.comments_published_on = published_on
    report.comments_url = url
    db.session.flush()
    _audit(
        report,
        by,
        "s55_published",
        f"{_name(response)} {transition.verb} on {format_date(published_on)}",
        changes=diff(before, _report_snapshot(report)),
    )
    return response


def record_sent(
    response: S55Response,
    *,
    to_hmicfrs_on: date | None,
    to_home_secretary_on: date | None,
    by: User,
    expected_version: int | None,
) -> S55Response:
    """Record when copies went to HMICFRS and to the Home Secretary (either may come
    first; not before publication). Both recorded: the response is sent."""
    _require_opcc(by)
    _check_version(response, expected_version)
    if not response.state.published:
        raise S55RuleError(
            f"{_name(response)} is {response.state.in_sentence}: record the sent dates "
            "once it is published"
        )
    if to_hmicfrs_on is None and to_home_secretary_on is None:
        raise S55RuleError("Enter at least one date it was sent", field="to_hmicfrs_on")
    for day, label, field in (
        (to_hmicfrs_on, "it was sent to HMICFRS", "to_hmicfrs_on"),
        (to_home_secretary_on, "it was sent to the Home Secretary", "to_home_secretary_on"),
    ):
        if day is not None:
            _check_day(
                day,
                label=label,
                field=field,
                after=response.published_on,
                since="the date it was published",
            )
    response.sent_to_hmicfrs_on = to_hmicfrs_on or response.sent_to_hmicfrs_on
    response.sent_to_home_secretary_on = to_home_secretary_on or response.sent_to_home_secretary_on
    report = response.report
    before = _report_snapshot(report)
    report.sent_to_hmicfrs_on = response.sent_to_hmicfrs_on
    report.sent_to_home_secretary_on = response.sent_to_home_secretary_on
    if (
        response.state == S55State.PUBLISHED
        and response.sent_to_hmicfrs_on
        and response.sent_to_home_secretary_on
    ):
        _move(response, S55State.SENT, by)
    response.updated_at = utcnow()
    db.session.flush()
    sent = [
        f"to {who} on {format_date(day)}"
        for who, day in (
            ("HMICFRS", response.sent_to_hmicfrs_on),
            ("the Home Secretary", response.sent_to_home_secretary_on),
        )
        if day
    ]
    _audit(
        report,
        by,
        "s55_sent",
        f"{_name(response)} sent " + " and ".join(sent),
        changes=diff(before, _report_snapshot(report)),
    )
    return response
