"""The statutory calendar over HTTP, by role: who sees it, who records which side."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.db import db
from tracker.statutory.models import PreceptYear, VetoReason


def _date(name: str, day: date) -> dict[str, list[str]]:
    """A GOV.UK date input's three boxes, all posted under the field's name."""
    return {name: [str(day.day), str(day.month), str(day.year)]}


@pytest.fixture
def precept(app) -> int:
    with app.app_context():
        record = PreceptYear(
            financial_year=2024, proposal_notified_on=date(2024, 1, 31), proposed_band_d=250
        )
        db.session.add(record)
        db.session.commit()
        return record.id


def test_officer_records_a_precept_year(login_as, officer, post_form, client, app):
    login_as(officer)
    response = post_form(
        "/statutory/precepts/new",
        {
            "financial_year": "2025",
            **_date("proposal_notified_on", date(2025, 1, 29)),
            "proposed_amount": "£123,456,789.00",
            "proposed_band_d": "262.47",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.query(PreceptYear).one()
        assert saved.financial_year == 2025
        assert str(saved.proposed_band_d) == "262.47"
    page = client.get(response.location)
    assert "Precept 2025/26" in page.text
    assert "1 February 2025" in page.text


def test_clerk_records_a_veto_and_the_officer_the_revised_precept(
    login_as, clerk, officer, post_form, client, app, precept
):
    login_as(clerk)
    response = post_form(
        f"/statutory/precepts/{precept}/panel",
        {
            "version": "1",
            **_date("report_on", date(2024, 2, 6)),
            "report_text": "The Panel vetoes the proposed precept as too high.",
            "vetoed": "y",
            "veto_reason": "too_high",
            "panel_members": "15",
            "votes_for_veto": "11",
        },
    )
    assert response.status_code == 302
    post_form("/logout", form_page="/")
    login_as(officer)
    refused = post_form(
        f"/statutory/precepts/{precept}/pcc",
        {"version": "2", **_date("response_on", date(2024, 2, 14)), "revised_band_d": "260.00"},
    )
    assert refused.status_code == 200
    assert "must be lower" in refused.text
    accepted = post_form(
        f"/statutory/precepts/{precept}/pcc",
        {
            "version": "2",
            **_date("proposal_notified_on", date(2024, 1, 31)),
            "proposed_band_d": "250.00",
            **_date("response_on", date(2024, 2, 14)),
            "revised_band_d": "245.00",
        },
    )
    assert accepted.status_code == 302
    with app.app_context():
        saved = db.session.get(PreceptYear, precept)
        assert saved.vetoed
        assert saved.veto_reason == VetoReason.TOO_HIGH
        assert saved.votes_for_veto == 11
        assert str(saved.revised_band_d) == "245.00"


def test_a_veto_without_two_thirds_is_shown_on_the_form(login_as, clerk, post_form, precept, app):
    login_as(clerk)
    response = post_form(
        f"/statutory/precepts/{precept}/panel",
        {
            "version": "1",
            **_date("report_on", date(2024, 2, 6)),
            "vetoed": "y",
            "veto_reason": "too_high",
            "panel_members": "15",
            "votes_for_veto": "9",
        },
    )
    assert response.status_code == 200
    assert "A veto needs at least 10 of the 15 members" in response.text
    with app.app_context():
        assert not db.session.get(PreceptYear, precept).vetoed


def test_clerk_reads_the_timeline_with_every_deadline_and_citation(
    login_as, clerk, client, precept
):
    login_as(clerk)
    page = client.get(f"/statutory/precepts/{precept}")
    assert page.status_code == 200
    for text in (
        "1 February 2024",
        "8 February 2024",
        "15 February 2024",
        "22 February 2024",
        "1 March 2024",
        "reg. 3",
        "reg. 4",
        "reg. 5",
        "Sch. 5 para. 4(4)",
        "Not verified",
        "Record the Panel's steps",
    ):
        assert text in page.text, text
    assert "Record the PCC" not in page.text


def test_force_cannot_see_the_calendar_or_its_records(login_as, liaison, client, precept):
    login_as(liaison)
    assert client.get("/statutory/").status_code == 403
    assert client.get(f"/statutory/precepts/{precept}").status_code == 404
    assert "Statutory calendar" not in client.get("/").text


def test_clerk_cannot_record_the_pcc_side(login_as, clerk, client, precept):
    login_as(clerk)
    assert client.get(f"/statutory/precepts/{precept}/pcc").status_code == 403
    assert client.get("/statutory/precepts/new").status_code == 403


def test_officer_cannot_record_the_panel_side(login_as, officer, client, precept):
    login_as(officer)
    assert client.get(f"/statutory/precepts/{precept}/panel").status_code == 403


def test_navigation_links_the_calendar_for_clerks_and_opcc(login_as, clerk, client):
    login_as(clerk)
    assert 'href="/statutory/"' in client.get("/").text


def test_appointment_and_annual_report_pages(login_as, officer, clerk, post_form, client):
    login_as(officer)
    created = post_form(
        "/statutory/appointments/new",
        {"candidate_name": "Alex Example", **_date("notified_on", date(2024, 3, 4))},
    )
    assert created.status_code == 302
    page = client.get(created.location)
    assert "24 March 2024" in page.text
    assert "Sch. 8 para. 4(6)" in page.text
    review = post_form(
        "/statutory/annual-reports/new",
        {"financial_year": "2022", **_date("sent_on", date(2023, 6, 1))},
    )
    assert review.status_code == 302
    assert "s.12(4)" in client.get(review.location).text


def test_each_side_is_audited_and_the_history_shows_it_to_the_opcc(
    login_as, clerk, officer, post_form, client, precept, app
):
    login_as(clerk)
    post_form(
        f"/statutory/precepts/{precept}/panel",
        {"version": "1", **_date("report_on", date(2024, 2, 7)), "report_text": "Supported."},
    )
    assert "History" not in client.get(f"/statutory/precepts/{precept}").text
    post_form("/logout", form_page="/")
    login_as(officer)
    page = client.get(f"/statutory/precepts/{precept}").text
    assert "History" in page
    assert "Date of the Panel&#39;s report" in page or "Date of the Panel's report" in page
    with app.app_context():
        from sqlalchemy import select

        from tracker.audit.models import AuditEvent

        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "precept_year")
        ).all()
        assert [e.action for e in events] == ["updated"]
        assert events[0].changes["report_text"] == ["", "Supported."]


def test_a_stale_save_is_refused_and_says_who_changed_it(login_as, clerk, post_form, precept):
    login_as(clerk)
    first = post_form(
        f"/statutory/precepts/{precept}/panel",
        {"version": "1", **_date("report_on", date(2024, 2, 7))},
    )
    assert first.status_code == 302
    stale = post_form(
        f"/statutory/precepts/{precept}/panel",
        {"version": "1", **_date("report_on", date(2024, 2, 8))},
    )
    assert stale.status_code == 409
    assert "Your changes have not been saved" in stale.text
