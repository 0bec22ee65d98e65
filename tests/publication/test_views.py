"""Publication records over HTTP: recorded, changed, refused when wrong, audited, and
protected against a stale save."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.db import db
from tracker.publication.models import PublicationKind, PublicationRecord


def _date(name: str, day: date) -> dict[str, list[str]]:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def _blank(name: str) -> dict[str, list[str]]:
    return {name: ["", "", ""]}


GOOD = {
    "kind": "decision",
    "title": "Decision 2026/14: estates strategy",
    **_date("due_on", date(2026, 6, 30)),
    **_blank("published_on"),
    "url": "",
    "summary": "",
    "public": "y",
}


@pytest.fixture
def publication(app) -> int:
    with app.app_context():
        record = PublicationRecord(
            kind=PublicationKind.ANNUAL_STATEMENT,
            title="Statement on the national policing priorities 2026",
            due_on=date(2026, 7, 31),
        )
        db.session.add(record)
        db.session.commit()
        return record.id


def test_officer_records_a_decision_and_it_is_audited(app, client, login_as, officer, post_form):
    login_as(officer)
    response = post_form("/publication/records/new", GOOD)
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalars(select(PublicationRecord)).one()
        assert saved.kind is PublicationKind.DECISION
        assert saved.public is True
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "publication_record")
        ).one()
        assert event.action == "created"
        assert event.entity_id == saved.id
    page = client.get(response.location)
    assert "Decision 2026/14: estates strategy" in page.text
    assert "The date set by the OPCC" in page.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "verdict"}, "kind", "Choose the type of publication"),
        ({"title": "   "}, "title", "Enter a title"),
        ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
        (_blank("due_on"), "due_on", "Enter due date"),
        (_date("published_on", date(2026, 6, 1)), "url", "Enter the link to the published"),
        ({"url": "javascript:alert(1)"}, "url", "Enter a full web address"),
        (
            {**_date("published_on", date(2099, 1, 1)), "url": "https://opcc.example.org/d"},
            "published_on",
            "Date published must be today or in the past",
        ),
        ({"summary": "bad\x00text"}, "summary", "must not contain control characters"),
    ],
)
def test_bad_input_is_refused_with_the_message_on_its_field(
    app, login_as, officer, post_form, changes, field, message
):
    login_as(officer)
    response = post_form("/publication/records/new", {**GOOD, **changes})
    assert response.status_code == 200
    assert message in response.text
    assert f'href="#{field}' in response.text  # the error summary links to the field
    with app.app_context():
        assert db.session.scalars(select(PublicationRecord)).first() is None


def test_officer_records_it_as_published(app, client, login_as, officer, post_form, publication):
    login_as(officer)
    response = post_form(
        f"/publication/records/{publication}/edit",
        {
            **GOOD,
            "kind": "annual_statement",
            "version": "1",
            **_date("published_on", date(2026, 7, 20)),
            "url": "https://opcc.example.org/statement-2026",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(PublicationRecord, publication)
        assert saved.published_on == date(2026, 7, 20)
        assert saved.version == 2
        changes = db.session.scalars(
            select(AuditEvent.changes).where(AuditEvent.action == "updated")
        ).one()
        assert changes["published_on"] == [None, "2026-07-20"]


def test_stale_save_is_refused_and_says_who_changed_what(
    app, login_as, auth, officer, admin, post_form, client, publication
):
    login_as(admin)
    post_form(
        f"/publication/records/{publication}/edit",
        {**GOOD, "version": "1", "title": "Renamed first"},
    )
    auth.logout()
    login_as(officer)
    response = post_form(
        f"/publication/records/{publication}/edit",
        {**GOOD, "version": "1", "title": "Renamed second"},
    )
    assert response.status_code == 409
    assert "Renamed first" in response.text
    with app.app_context():
        assert db.session.get(PublicationRecord, publication).title == "Renamed first"


def test_force_never_learns_a_publication_record_exists(client, login_as, liaison, publication):
    login_as(liaison)
    assert client.get("/publication/").status_code == 403
    assert client.get(f"/publication/records/{publication}").status_code == 404
