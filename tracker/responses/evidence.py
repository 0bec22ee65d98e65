"""Files attached to written responses: the documents the force sends with the Chief
Constable's response to a request or comments on a report.

Registers the "written_response" owner kind with tracker.attachments: a file is visible
exactly when its version is (policy.can_see_response: the force sees every version of
what it may answer, drafts included; OPCC staff see submitted versions; nobody else
sees the exchange), and may be added only by the force while the version is a draft
(submitting freezes it: files go with the next version instead).
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from tracker import policy
from tracker.attachments.definitions import OwnerKind, register_owner_kind
from tracker.audit.vocabulary import AuditEntity
from tracker.db import db
from tracker.responses.models import ResponseState, WrittenResponse


def _response(response_id: int) -> WrittenResponse | None:
    return db.session.get(WrittenResponse, response_id)


def _subject(response: WrittenResponse) -> Any:
    return response.adhoc_request or response.hmicfrs_report


def _can_view(user: Any, response_id: int) -> bool:
    response = _response(response_id)
    if response is None:
        return False
    subject = _subject(response)
    return policy.can_view_source(user, subject) and policy.can_see_response(
        user, response, subject
    )


def _can_attach(user: Any, response_id: int) -> bool:
    response = _response(response_id)
    return (
        response is not None
        and response.state == ResponseState.DRAFT
        and policy.can_write_response(user, _subject(response))
    )


def _link(response_id: int) -> str:
    response = _response(response_id)
    if response is None:
        return url_for("main.home")
    if response.adhoc_request_id:
        return url_for(
            "adhoc_requests.show", request_id=response.adhoc_request_id, _anchor="written-response"
        )
    return url_for("hmicfrs.show", report_id=response.hmicfrs_report_id, _anchor="written-response")


def _audit_target(response_id: int) -> tuple[str, int]:
    response = _response(response_id)
    if response is None:
        raise LookupError(f"No written response {response_id}")
    if response.adhoc_request_id:
        return AuditEntity.ADHOC_REQUEST, response.adhoc_request_id
    return AuditEntity.HMICFRS_REPORT, response.hmicfrs_report_id


WRITTEN_RESPONSE = register_owner_kind(
    OwnerKind(
        name="written_response",
        label="Written response",
        can_view=_can_view,
        can_attach=_can_attach,
        link=_link,
        audit_target=_audit_target,
    )
)
