"""The A&A programme migration keeps existing meetings: kinds become rows, and meetings
dated before today are held, the rest planned."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tracker import create_app
from tracker.db import db

BEFORE = "c4e8a1f2d9b6"


def _insert_meeting(kind: str, held_on: date, title: str) -> None:
    now = datetime.now(UTC)
    db.session.execute(
        text(
            "INSERT INTO meetings (kind, held_on, title, themes, chair, attendees, minutes_url,"
            " published, version, created_at, updated_at) VALUES (:kind, :held_on, :title,"
            " '', '', '', '', false, 1, :now, :now)"
        ),
        {"kind": kind, "held_on": held_on, "title": title, "now": now},
    )
    db.session.commit()


def test_existing_meetings_keep_their_kind_and_get_a_state(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    today = date.today()  # noqa: DTZ011 - the migration splits on the server's date too
    with app.app_context():
        upgrade(revision=BEFORE)
        _insert_meeting("thematic", today - timedelta(days=30), "Past thematic")
        _insert_meeting("performance", today + timedelta(days=30), "Future performance")
        upgrade()
        rows = db.session.execute(
            text(
                "SELECT m.title, k.name, m.state FROM meetings m"
                " JOIN meeting_kinds k ON k.id = m.kind_id ORDER BY m.title"
            )
        ).all()
        kinds = set(db.session.scalars(text("SELECT name FROM meeting_kinds")))
        db.session.remove()
        downgrade(revision=BEFORE)
        back = set(db.session.execute(text("SELECT title, kind FROM meetings")).all())
        db.session.remove()
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("Future performance", "Quarterly performance", "planned"),
        ("Past thematic", "Thematic", "held"),
    ]
    assert "Monthly assurance" in kinds
    assert back == {("Future performance", "performance"), ("Past thematic", "thematic")}
