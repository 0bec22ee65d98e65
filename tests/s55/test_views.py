"""The s.55 pages for each role: who sees what, and refusals that change nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.factories import london_today
from tests.s55.helpers import build_scenario, date_fields, post_step
from tracker.db import db
from tracker.s55 import services
from tracker.s55.models import S55Response, S55State
from tracker.sources.models import HmicfrsReport


def _prepare(app, scenario, officer, admin, *, to: S55State) -> None:
    """Take the response to state `to` through the services."""
    with app.app_context():
        report = db.session.get(HmicfrsReport, scenario.report_id)
        response = services.build_draft(report, by=officer, include_afis=False)
        response.pcc_comments = "The PCC's comments Peppercorn"
        for entry in response.entries:
            entry.no_action_reason = entry.no_action_reason or "Reason Caraway"
        db.session.flush()
        if to != S55State.DRAFT:
            services.submit(response, by=officer, expected_version=response.version)
        if to not in (S55State.DRAFT, S55State.AWAITING_APPROVAL):
            services.approve(response, by=admin, expected_version=response.version)
        if to == S55State.PUBLISHED:
            services.publish(
                response,
                published_on=london_today(),
                url="https://opcc.example.org/s55",
                by=officer,
                expected_version=response.version,
            )
        db.session.commit()


def _state(app) -> tuple[S55State, str]:
    with app.app_context():
        response = db.session.scalars(select(S55Response)).one()
        return response.state, response.pcc_comments


def test_force_and_panel_never_see_a_draft(
    app, client, auth, login_as, officer, admin, liaison, clerk
):
    scenario = build_scenario(app, liaison)
    _prepare(app, scenario, officer, admin, to=S55State.APPROVED)
    url = f"/hmicfrs/{scenario.report_id}/s55"
    for user in (liaison, clerk):
        login_as(user)
        assert client.get(url).status_code == 403
        assert client.get(f"{url}.pdf").status_code == 403
        assert client.get(f"{url}.docx").status_code == 403
        report_page = client.get(f"/hmicfrs/{scenario.report_id}").text
        assert "Peppercorn" not in report_page
        assert "s.55 response" not in report_page
        auth.logout()


def test_force_and_panel_see_the_published_response(
    app, client, auth, login_as, officer, admin, liaison, clerk
):
    scenario = build_scenario(app, liaison)
    _prepare(app, scenario, officer, admin, to=S55State.PUBLISHED)
    url = f"/hmicfrs/{scenario.report_id}/s55"
    for user in (liaison, clerk):
        login_as(user)
        page = client.get(url)
        assert page.status_code == 200
        assert "Peppercorn" in page.text
        assert "Submit for approval" not in page.text
        assert "Draft version" not in page.text
        assert client.get(f"{url}.pdf").status_code == 200
        auth.logout()


def test_force_sees_the_published_version_not_the_next_draft(
    app, client, login_as, officer, admin, liaison
):
    scenario = build_scenario(app, liaison)
    _prepare(app, scenario, officer, admin, to=S55State.PUBLISHED)
    with app.app_context():
        report = db.session.get(HmicfrsReport, scenario.report_id)
        draft = services.build_draft(report, by=officer, include_afis=False)
        draft.pcc_comments = "Unapproved thoughts Galangal"
        db.session.commit()
    login_as(liaison)
    page = client.get(f"/hmicfrs/{scenario.report_id}/s55").text
    assert "Peppercorn" in page
    assert "Galangal" not in page


def test_approved_text_cannot_be_edited_through_the_page(
    app, client, login_as, officer, admin, liaison
):
    scenario = build_scenario(app, liaison)
    _prepare(app, scenario, officer, admin, to=S55State.APPROVED)
    login_as(officer)
    url = f"/hmicfrs/{scenario.report_id}/s55"
    assert client.get(f"{url}/edit").status_code == 302  # the page sends them back
    with app.app_context():
        response = db.session.scalars(select(S55Response)).one()
        version = response.version
    page = client.get(url).text
    refused = client.post(
        f"{url}/edit",
        data={
            "csrf_token": csrf_token_from(page),
            "version": str(version),
            "cc_comments": "Rewritten",
            "pcc_comments": "Rewritten after approval Fennel",
        },
    )
    assert refused.status_code == 409
    assert "frozen" in refused.text
    assert "Draft a new version to change it" in refused.text
    assert _state(app) == (S55State.APPROVED, "The PCC's comments Peppercorn")


def test_submitting_without_pcc_comments_says_why_and_changes_nothing(
    app, client, login_as, officer, liaison
):
    scenario = build_scenario(app, liaison)
    login_as(officer)
    assert post_step(client, scenario.report_id, "draft").status_code == 302
    refused = post_step(client, scenario.report_id, "submit")
    assert refused.status_code == 409
    assert "Enter the PCC&#39;s comments before submitting for approval" in refused.text
    assert _state(app) == (S55State.DRAFT, "")


def test_publishing_in_the_future_says_why_and_changes_nothing(
    app, client, login_as, officer, admin, liaison
):
    scenario = build_scenario(app, liaison)
    _prepare(app, scenario, officer, admin, to=S55State.APPROVED)
    login_as(officer)
    refused = post_step(
        client,
        scenario.report_id,
        "publish",
        url="https://opcc.example.org/s55",
        **date_fields("published_on", london_today() + timedelta(days=2)),
    )
    assert refused.status_code == 409
    assert "must be today or in the past" in refused.text
    assert _state(app)[0] == S55State.APPROVED


def test_a_stale_edit_is_refused_and_keeps_the_text(app, client, login_as, officer, liaison):
    scenario = build_scenario(app, liaison)
    login_as(officer)
    url = f"/hmicfrs/{scenario.report_id}/s55"
    post_step(client, scenario.report_id, "draft")
    page = client.get(f"{url}/edit").text
    token = csrf_token_from(page)
    first = {"csrf_token": token, "version": "1", "pcc_comments": "First Coriander"}
    assert client.post(f"{url}/edit", data=first).status_code == 302
    second = {"csrf_token": token, "version": "1", "pcc_comments": "Second Cumin"}
    stale = client.post(f"{url}/edit", data=second)
    assert stale.status_code == 409
    assert "changed by someone else" in stale.text
    assert "Second Cumin" in stale.text  # the user's input is kept
    assert _state(app)[1] == "First Coriander"


def test_report_page_shows_the_deadline_and_whether_it_was_met(
    app, client, login_as, officer, admin, liaison
):
    late = build_scenario(app, liaison, published_days_ago=70)
    _prepare(app, late, officer, admin, to=S55State.PUBLISHED)
    login_as(officer)
    page = client.get(f"/hmicfrs/{late.report_id}").text
    assert "The PCC's s.55 response" in page
    assert "Missed" in page
    assert "56 days beginning with the day of publication" in page
    assert "Missed" in client.get(f"/hmicfrs/{late.report_id}/s55").text
