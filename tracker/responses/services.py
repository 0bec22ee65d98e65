"""State changes for written responses: save a draft, submit, send back, accept.

The force drafts and submits; the OPCC sends back with a reason or accepts with an
assurance conclusion. A "not assured" verdict never accepts: it sends the version back
with the conclusion's note as the reason. Accepting records the text on the request or
report. Every change is audited on the request or report, so it shows in its history.

Two people acting at once never overwrite each other: a form carries `based_on`, the
state of the latest version it was shown ("<number>:<row version>", "0:0" for none), and
any change refuses to act when that is no longer the latest state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from tracker import policy
from tracker.assurance import (
    AssuranceMethod,
    AssuranceVerdict,
    check_conclusion,
    describe_conclusion,
)
from tracker.attachments.queries import attachments_by_owner
from tracker.attachments.rules import PreparedFile
from tracker.attachments.services import attach_files
from tracker.audit.services import diff, record
from tracker.audit.vocabulary import AuditEntity, record_fields
from tracker.auth.models import User
from tracker.clock import today
from tracker.db import db, utcnow
from tracker.errors import ConflictError, PermissionDeniedError, RuleError
from tracker.responses.evidence import WRITTEN_RESPONSE
from tracker.responses.models import (
    KIND_LABELS,
    REASON_MAX,
    TEXT_MAX,
    ResponseState,
    WrittenResponse,
)
from tracker.sources.models import AdhocRequest, HmicfrsReport, RequestStatus

Subject = AdhocRequest | HmicfrsReport

ENTITY = {AdhocRequest: AuditEntity.ADHOC_REQUEST, HmicfrsReport: AuditEntity.HMICFRS_REPORT}
KIND = {AdhocRequest: "adhoc_request", HmicfrsReport: "hmicfrs_report"}
# The versions the force is still working on, and those waiting for the OPCC.
OPEN_STATES = frozenset({ResponseState.DRAFT, ResponseState.SUBMITTED})


class ResponseRuleError(RuleError):
    """A change to a written response the rules do not allow; the message says why."""


# Reading --------------------------------------------------------------------------------


def _column(subject_type: type) -> Any:
    if subject_type is AdhocRequest:
        return WrittenResponse.adhoc_request_id
    return WrittenResponse.hmicfrs_report_id


def versions_for(subject: Subject) -> list[WrittenResponse]:
    """Every version of the response to `subject`, first to last."""
    return list(
        db.session.scalars(
            select(WrittenResponse)
            .where(_column(type(subject)) == subject.id)
            .order_by(WrittenResponse.number)
        )
    )


def latest_by_subject(subject_type: type, ids: list[int]) -> dict[int, WrittenResponse]:
    """The latest version for each of `ids` (requests or reports), in one query."""
    if not ids:
        return {}
    column = _column(subject_type)
    rows = db.session.scalars(
        select(WrittenResponse).where(column.in_(ids)).order_by(WrittenResponse.number)
    )
    latest: dict[int, WrittenResponse] = {}
    for row in rows:
        latest[getattr(row, column.key)] = row  # later numbers replace earlier ones
    return latest


def shown_states(user: Any, subject_type: type, subjects: list[Any]) -> dict[int, str]:
    """For a list page: the latest version's state each subject shows `user` ("Awaiting
    OPCC review", "Sent back"...), leaving out drafts for those who may not see them."""
    latest = latest_by_subject(subject_type, [subject.id for subject in subjects])
    shown = {}
    for subject in subjects:
        response = latest.get(subject.id)
        if response is not None and policy.can_see_response(user, response, subject):
            shown[subject.id] = f"Version {response.number}: {response.state.in_sentence}"
    return shown


def latest_for(subject: Subject) -> WrittenResponse | None:
    """The latest version of the response to `subject`, or None before the first draft."""
    return latest_by_subject(type(subject), [subject.id]).get(subject.id)


def due_on(subject: Subject) -> date | None:
    """When the response (request) or comments (report) are due."""
    if isinstance(subject, AdhocRequest):
        return subject.response_due_on
    return subject.cc_comments_due_on


def kind_label(subject: Subject) -> str:
    """ "the Chief Constable's response" or "the Chief Constable's comments"."""
    return KIND_LABELS[KIND[type(subject)]]


def based_on(latest: WrittenResponse | None) -> str:
    """The concurrency token a form carries for the latest version it was shown."""
    return f"{latest.number}:{latest.version}" if latest else "0:0"


@dataclass(frozen=True)
class Exchange:
    """What a page shows about the written response to one request or report."""

    subject: Subject
    versions: list[WrittenResponse]  # those the viewer may see, newest first
    latest: WrittenResponse | None
    can_write: bool
    can_review: bool
    # version id -> its files, oldest first (only for the versions above)
    files: dict[int, list[Any]]

    @property
    def awaiting_review(self) -> bool:
        return self.latest is not None and self.latest.state == ResponseState.SUBMITTED

    @property
    def accepted(self) -> bool:
        return self.latest is not None and self.latest.state == ResponseState.ACCEPTED

    @property
    def force_may_write(self) -> bool:
        """The force may start or continue a version (none open with the OPCC, none accepted)."""
        return self.can_write and not self.awaiting_review and not self.accepted


def exchange_for(user: Any, subject: Subject) -> Exchange:
    """The versions `user` may see (drafts: the force only) and what they may do."""
    every = versions_for(subject)
    visible = [v for v in every if policy.can_see_response(user, v, subject)]
    return Exchange(
        subject=subject,
        files=attachments_by_owner(WRITTEN_RESPONSE.name, [v.id for v in visible]),
        versions=list(reversed(visible)),
        latest=every[-1] if every else None,
        can_write=policy.can_write_response(user, subject),
        can_review=policy.can_review_response(user, subject),
    )


def written_exchange(subject: Subject) -> Exchange:
    """exchange_for the signed-in user (a template global for the request and report pages)."""
    from flask_login import current_user

    return exchange_for(current_user, subject)


# Changing -------------------------------------------------------------------------------


def _check_based_on(subject: Subject, latest: WrittenResponse | None, token: str) -> None:
    if based_on(latest) == token:
        return
    if latest is None:  # pragma: no cover - a version cannot disappear
        raise ConflictError("The response changed while you were looking at it.")
    who = latest.reviewed_by or latest.submitted_by or latest.drafted_by
    by = f" by {who.name}" if who else ""
    raise ConflictError(
        f"Version {latest.number} of {kind_label(subject)} was changed{by} while you were "
        f"looking at it: it is now “{latest.state.label}”. Your changes have not been "
        "saved. Check the current version and try again."
    )


def _snapshot(subject: Subject) -> dict[str, Any]:
    """The request's or report's audited fields, for `diff` (as sources.services does)."""
    return {name: getattr(subject, name) for name in record_fields(ENTITY[type(subject)])}


def _audit(subject: Subject, by: User, action: str, summary: str, changes=None) -> None:
    record(
        actor=by,
        entity_type=ENTITY[type(subject)],
        entity_id=subject.id,
        action=action,
        summary=summary,
        changes=changes,
        version=subject.version,
    )


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ResponseRuleError("Enter the response", field="text")
    if len(text) > TEXT_MAX:
        raise ResponseRuleError(f"Response must be {TEXT_MAX:,} characters or fewer", field="text")
    return text


def save_draft(
    subject: Subject,
    text: str,
    *,
    by: User,
    based_on_token: str,
    files: Sequence[PreparedFile] = (),
) -> WrittenResponse:
    """Save the force's draft: the open draft changes, or the next version starts.
    `files` are attached to this version (in the same transaction)."""
    if not policy.can_write_response(by, subject):
        raise PermissionDeniedError("Only the force can write this response")
    text = _check_text(text)
    latest = latest_for(subject)
    _check_based_on(subject, latest, based_on_token)
    if latest is not None and latest.state == ResponseState.SUBMITTED:
        raise ResponseRuleError("This response has been submitted and is awaiting the OPCC")
    if latest is not None and latest.state == ResponseState.ACCEPTED:
        raise ResponseRuleError("The OPCC has already accepted this response")
    if latest is not None and latest.state == ResponseState.DRAFT:
        draft = latest
        draft.text = text
        draft.drafted_by_id = by.id
    else:
        draft = WrittenResponse(
            number=(latest.number + 1) if latest else 1,
            text=text,
            state=ResponseState.DRAFT,
            drafted_by_id=by.id,
            **{_column(type(subject)).key: subject.id},
        )
        db.session.add(draft)
    db.session.flush()
    attach_files(WRITTEN_RESPONSE.name, draft.id, files, by=by)
    _audit(
        subject,
        by,
        "response_draft_saved",
        f"Version {draft.number} of {kind_label(subject)} saved as a draft",
    )
    return draft


def lateness(response: WrittenResponse) -> str:
    """ "on time" or "3 days late" (days_late, as for everything else)."""
    late = response.days_late
    if not late:
        return "on time"
    return f"{late} day{'' if late == 1 else 's'} late"


def submit(
    subject: Subject,
    text: str,
    *,
    by: User,
    based_on_token: str,
    files: Sequence[PreparedFile] = (),
) -> WrittenResponse:
    """Save the draft (with `files`) and submit it to the OPCC, recording who, when and
    whether late."""
    draft = save_draft(subject, text, by=by, based_on_token=based_on_token, files=files)
    draft.state = ResponseState.SUBMITTED
    draft.submitted_by_id = by.id
    draft.submitted_at = utcnow()
    draft.submitted_on = today()
    draft.due_on = due_on(subject)
    db.session.flush()
    _audit(
        subject,
        by,
        "response_submitted",
        f"Version {draft.number} of {kind_label(subject)} submitted to the OPCC, {lateness(draft)}",
    )
    return draft


def _submitted(subject: Subject, by: User, based_on_token: str) -> WrittenResponse:
    if not policy.can_review_response(by, subject):
        raise PermissionDeniedError("Only OPCC staff can review a response")
    latest = latest_for(subject)
    _check_based_on(subject, latest, based_on_token)
    if latest is None or latest.state != ResponseState.SUBMITTED:
        raise ResponseRuleError("There is no submitted response awaiting review")
    return latest


def send_back(subject: Subject, reason: str, *, by: User, based_on_token: str) -> WrittenResponse:
    """Return the submitted version to the force with a reason; it writes the next one."""
    response = _submitted(subject, by, based_on_token)
    reason = (reason or "").strip()
    if not reason:
        raise ResponseRuleError("Enter why the response is being sent back", field="reason")
    if len(reason) > REASON_MAX:
        raise ResponseRuleError(
            f"Reason must be {REASON_MAX:,} characters or fewer", field="reason"
        )
    _review(response, by, ResponseState.SENT_BACK, reason=reason)
    _audit(
        subject,
        by,
        "response_sent_back",
        f"Version {response.number} of {kind_label(subject)} sent back: {reason}",
    )
    return response


def _review(response: WrittenResponse, by: User, state: ResponseState, **fields: Any) -> None:
    response.state = state
    response.reviewed_by_id = by.id
    response.reviewed_at = utcnow()
    response.review_reason = fields.pop("reason", "")
    for name, value in fields.items():
        setattr(response, name, value)
    db.session.flush()


def accept(
    subject: Subject,
    *,
    method: AssuranceMethod,
    verdict: AssuranceVerdict,
    note: str,
    by: User,
    based_on_token: str,
) -> WrittenResponse:
    """Record the OPCC's conclusion on the submitted version (assurance.check_conclusion:
    a note is required unless assured). Assured or partly assured: accepted, and the
    text recorded on the request or report. Not assured: sent back, with the note as
    the reason."""
    response = _submitted(subject, by, based_on_token)
    method, verdict = AssuranceMethod(method), AssuranceVerdict(verdict)
    note = (note or "").strip()
    problems = check_conclusion(method, verdict, note)  # the same rule as for actions
    if problems:
        field, message = next(iter(problems.items()))
        raise ResponseRuleError(message, field=field)
    conclusion = describe_conclusion(method, verdict)
    assurance = {"assurance_method": method, "assurance_verdict": verdict, "assurance_note": note}
    if not verdict.closes:
        _review(response, by, ResponseState.SENT_BACK, reason=note, **assurance)
        _audit(
            subject,
            by,
            "response_sent_back",
            f"Version {response.number} of {kind_label(subject)} not accepted, "
            f"{conclusion}: {note}",
        )
        return response
    _review(response, by, ResponseState.ACCEPTED, **assurance)
    before = _snapshot(subject)
    _record_on_subject(subject, response)
    db.session.flush()
    _audit(
        subject,
        by,
        "response_accepted",
        f"Version {response.number} of {kind_label(subject)} accepted, {conclusion}"
        + (f": {note}" if note else ""),
        changes=diff(before, _snapshot(subject)),
    )
    return response


def _record_on_subject(subject: Subject, response: WrittenResponse) -> None:
    """Put the accepted text on the request or report, as the OPCC's own fields say it."""
    received = response.submitted_on or today()
    if isinstance(subject, AdhocRequest):
        subject.response = response.text
        subject.response_received_on = max(received, subject.sent_on)
        subject.status = RequestStatus.RECEIVED
    else:
        subject.cc_comments = response.text
        subject.cc_comments_received_on = max(received, subject.published_on)
