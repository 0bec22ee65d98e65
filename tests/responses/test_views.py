"""Written response pages, for each role: the force writes, the OPCC reviews."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.factories import london_today, make_adhoc_request, make_report
from tracker.db import db
from tracker.responses.models import ResponseState, WrittenResponse
from tracker.sources.models import AdhocRequest, HmicfrsReport, ReportScope, RequestStatus


def _versions(app) -> list[tuple[int, ResponseState, str]]:
    with app.app_context():
        rows = db.session.scalars(select(WrittenResponse).order_by(WrittenResponse.id))
        return [(r.number, r.state, r.text) for r in rows]


def _based_on(page: str, prefix: str = "") -> str:
    found = re.search(rf'name="{prefix}based_on" type="hidden" value="([^"]*)"', page)
    assert found, "no based_on field"
    return found.group(1)


def _switch(auth, login_as, user):
    auth.logout()
    login_as(user)


def _write(client, url: str, text: str, *, submit: bool) -> object:
    page = client.get(url).text
    data = {"csrf_token": csrf_token_from(page), "based_on": _based_on(page), "text": text}
    data["submit_response" if submit else "save_draft"] = "1"
    return client.post(url, data=data)


def _review(client, url: str, action: str, **fields: str) -> object:
    page = client.get(f"{url}/review").text
    prefix = "accept-" if action == "accept" else "send_back-"
    data = {
        f"{prefix}csrf_token": csrf_token_from(page),
        f"{prefix}based_on": _based_on(page, prefix),
        **{f"{prefix}{name}": value for name, value in fields.items()},
    }
    return client.post(f"{url}/{action.replace('_', '-')}", data=data)


def test_force_drafts_submits_opcc_sends_back_force_resubmits_opcc_accepts(
    app, client, auth, login_as, liaison, officer
):
    adhoc = make_adhoc_request(app, subject="Request Thistledown")
    url = f"/requests/{adhoc.id}/written-response"
    login_as(liaison)
    assert "Write the response" in client.get(f"/requests/{adhoc.id}").text
    assert _write(client, url, "A first go", submit=False).status_code == 302
    assert _versions(app) == [(1, ResponseState.DRAFT, "A first go")]
    assert "Continue the draft" in client.get(f"/requests/{adhoc.id}").text
    assert _write(client, url, "The answer", submit=True).status_code == 302
    assert _versions(app) == [(1, ResponseState.SUBMITTED, "The answer")]

    _switch(auth, login_as, officer)
    page = client.get(f"/requests/{adhoc.id}").text
    assert "Review the submitted response" in page
    assert "days late" in page
    refused = _review(client, url, "send_back", reason="")
    assert refused.status_code == 200
    assert "Enter why the response is being sent back" in refused.text
    assert _review(client, url, "send_back", reason="Add the figures").status_code == 302

    _switch(auth, login_as, liaison)
    page = client.get(url).text
    assert "Add the figures" in page
    assert _write(client, url, "The answer, with figures", submit=True).status_code == 302

    _switch(auth, login_as, officer)
    response = _review(client, url, "accept", method="dip_sample", verdict="assured", note="")
    assert response.status_code == 302
    assert _versions(app) == [
        (1, ResponseState.SENT_BACK, "The answer"),
        (2, ResponseState.ACCEPTED, "The answer, with figures"),
    ]
    with app.app_context():
        saved = db.session.get(AdhocRequest, adhoc.id)
        assert (saved.status, saved.response) == (
            RequestStatus.RECEIVED,
            "The answer, with figures",
        )
    page = client.get(f"/requests/{adhoc.id}").text
    assert "Version 2" in page
    assert "Version 1" in page
    assert "Assured (dip sample)" in page
    assert "Response accepted" in page  # the history


def test_not_assured_from_the_page_sends_back(app, client, auth, login_as, liaison, officer):
    adhoc = make_adhoc_request(app)
    url = f"/requests/{adhoc.id}/written-response"
    login_as(liaison)
    _write(client, url, "Answer", submit=True)
    _switch(auth, login_as, officer)
    refused = _review(client, url, "accept", method="other", verdict="not_assured", note="")
    assert refused.status_code == 200
    assert "Enter why it is not yet assured" in refused.text
    sent = _review(client, url, "accept", method="other", verdict="not_assured", note="Thin")
    assert sent.status_code == 302
    assert _versions(app) == [(1, ResponseState.SENT_BACK, "Answer")]


def test_opcc_does_not_see_the_force_draft(app, client, auth, login_as, liaison, officer):
    adhoc = make_adhoc_request(app)
    login_as(liaison)
    _write(client, f"/requests/{adhoc.id}/written-response", "Secret draft Quillwort", submit=False)
    _switch(auth, login_as, officer)
    assert "Secret draft Quillwort" not in client.get(f"/requests/{adhoc.id}").text


def test_clerk_cannot_respond_or_see_the_exchange(app, client, login_as, clerk):
    adhoc = make_adhoc_request(app)
    report = make_report(app, cc_comments_due_on=london_today())
    login_as(clerk)
    assert client.get(f"/requests/{adhoc.id}/written-response").status_code == 404
    assert client.get(f"/hmicfrs/{report.id}/cc-comments").status_code == 403
    assert client.get(f"/hmicfrs/{report.id}/cc-comments/review").status_code == 403
    assert "The Chief Constable's comments" not in client.get(f"/hmicfrs/{report.id}").text


def test_opcc_cannot_write_and_force_cannot_review(app, client, auth, login_as, liaison, officer):
    adhoc = make_adhoc_request(app)
    login_as(officer)
    assert client.get(f"/requests/{adhoc.id}/written-response").status_code == 403
    _switch(auth, login_as, liaison)
    assert client.get(f"/requests/{adhoc.id}/written-response/review").status_code == 403


def test_force_writes_comments_on_a_national_report_only_when_it_applies(
    app, client, auth, login_as, liaison, officer
):
    applies = make_report(app, scope=ReportScope.NATIONAL, applies_to_force=True)
    elsewhere = make_report(app, scope=ReportScope.NATIONAL)
    login_as(liaison)
    assert client.get(f"/hmicfrs/{elsewhere.id}/cc-comments").status_code == 404
    url = f"/hmicfrs/{applies.id}/cc-comments"
    assert _write(client, url, "Comments Wychelm", submit=True).status_code == 302
    _switch(auth, login_as, officer)
    _review(client, url, "accept", method="evidence_reviewed", verdict="assured", note="")
    with app.app_context():
        saved = db.session.get(HmicfrsReport, applies.id)
        assert saved.cc_comments == "Comments Wychelm"
        assert saved.cc_comments_received_on == london_today()


def test_officer_marks_a_national_report_as_applying_to_the_force(
    app, client, login_as, post_form, officer
):
    report = make_report(app, scope=ReportScope.NATIONAL)
    login_as(officer)
    url = f"/hmicfrs/{report.id}/edit"
    page = client.get(url).text
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {
        "version": version,
        "code": report.code,
        "title": report.title,
        "report_type": "peel",
        "scope": "national",
        "applies_to_force": "y",
        "published_on": ["15", "6", "2022"],
    }
    assert post_form(url, data).status_code == 302
    with app.app_context():
        assert db.session.get(HmicfrsReport, report.id).applies_to_force is True
    assert "applies to the force" in client.get(f"/hmicfrs/{report.id}").text


def test_stale_submission_gets_409_and_keeps_the_text(app, client, login_as, liaison):
    adhoc = make_adhoc_request(app)
    url = f"/requests/{adhoc.id}/written-response"
    login_as(liaison)
    page = client.get(url).text
    stale = {"csrf_token": csrf_token_from(page), "based_on": _based_on(page)}
    _write(client, url, "A colleague's draft", submit=False)
    response = client.post(url, data={**stale, "text": "My draft", "save_draft": "1"})
    assert response.status_code == 409
    assert "My draft" in response.text
    assert _versions(app) == [(1, ResponseState.DRAFT, "A colleague's draft")]


def test_late_request_shows_overdue_until_accepted(app, client, login_as, liaison):
    adhoc = make_adhoc_request(
        app,
        sent_on=london_today() - timedelta(days=20),
        response_due_on=london_today() - timedelta(days=2),
    )
    login_as(liaison)
    page = client.get(f"/requests/{adhoc.id}").text
    assert "2 days overdue" in page
    assert "2 days overdue" in client.get("/requests/").text


def test_request_list_shows_where_the_written_response_stands(
    app, client, auth, login_as, liaison, officer
):
    drafted = make_adhoc_request(app, subject="Request Drafted")
    submitted = make_adhoc_request(app, subject="Request Submitted")
    login_as(liaison)
    _write(client, f"/requests/{drafted.id}/written-response", "Draft", submit=False)
    _write(client, f"/requests/{submitted.id}/written-response", "Answer", submit=True)
    page = client.get("/requests/").text
    assert "Version 1: draft" in page
    assert "Version 1: awaiting OPCC review" in page
    _switch(auth, login_as, officer)
    page = client.get("/requests/").text
    assert "Version 1: draft" not in page
    assert "Version 1: awaiting OPCC review" in page


def test_saving_after_a_colleague_submitted_gets_409_and_keeps_the_text(
    app, client, login_as, liaison
):
    adhoc = make_adhoc_request(app)
    url = f"/requests/{adhoc.id}/written-response"
    login_as(liaison)
    page = client.get(url).text
    stale = {"csrf_token": csrf_token_from(page), "based_on": _based_on(page)}
    _write(client, url, "A colleague's answer", submit=True)
    response = client.post(url, data={**stale, "text": "My answer Sorrel", "submit_response": "1"})
    assert response.status_code == 409
    assert "My answer Sorrel" in response.text
    assert _versions(app) == [(1, ResponseState.SUBMITTED, "A colleague's answer")]
