""" "Latest update" is the newest update that says something, shown with its date."""

from __future__ import annotations

import csv
import io
from datetime import date

from tests.factories import make_action, make_meeting
from tracker.actions import services as actions
from tracker.actions.models import Action, ActionStatus
from tracker.actions.queries import latest_updates
from tracker.auth.models import User
from tracker.db import db


def _written_then_silent_status_change(app, officer, liaison) -> int:
    action = make_action(app, make_meeting(app), liaison)
    with app.app_context():
        loaded = db.session.get(Action, action.id)
        by = db.session.get(User, liaison.id)
        actions.add_update(loaded, by=by, text="Draft plan agreed with the lead")
        actions.transition(loaded, ActionStatus.IN_PROGRESS, by=by, note="", today=date(2024, 4, 2))
        db.session.commit()
    return action.id


def test_a_status_change_without_text_does_not_replace_the_latest_update(app, officer, liaison):
    action_id = _written_then_silent_status_change(app, officer, liaison)
    with app.app_context():
        latest = latest_updates(db.session.get(User, officer.id), [action_id])
        assert latest[action_id].text == "Draft plan agreed with the lead"


def test_an_action_with_only_silent_updates_has_no_latest_update(app, officer, liaison):
    action = make_action(app, make_meeting(app), liaison)
    with app.app_context():
        loaded = db.session.get(Action, action.id)
        by = db.session.get(User, liaison.id)
        actions.transition(loaded, ActionStatus.IN_PROGRESS, by=by, note="", today=date(2024, 4, 2))
        db.session.commit()
        assert latest_updates(db.session.get(User, officer.id), [action.id]) == {}


def test_action_list_shows_the_latest_written_update_with_its_date(
    app, client, login_as, officer, liaison
):
    _written_then_silent_status_change(app, officer, liaison)
    login_as(officer)
    page = client.get("/actions/").text
    assert "Draft plan agreed with the lead" in page
    assert "Latest (" in page


def test_the_streamed_export_skips_a_silent_status_change_too(
    app, client, login_as, officer, liaison
):
    """The CSV export reads rows its own way (plain columns): it must agree with lists."""
    _written_then_silent_status_change(app, officer, liaison)
    login_as(officer)
    body = client.get("/actions/export.csv").data.decode()
    [row] = list(csv.DictReader(io.StringIO(body)))
    assert row["latest_update"] == "Draft plan agreed with the lead"


def test_latest_updates_reads_long_lists_in_chunks(app, officer, liaison, monkeypatch):
    """PostgreSQL takes at most 65,535 parameters: long lists are read a chunk at a time,
    and every action still gets its own latest update."""
    from tracker.actions import queries

    monkeypatch.setattr(queries, "IDS_PER_QUERY", 2)
    meeting = make_meeting(app)
    ids = [make_action(app, meeting, liaison).id for _ in range(5)]
    with app.app_context():
        by = db.session.get(User, liaison.id)
        for n, action_id in enumerate(ids):
            actions.add_update(db.session.get(Action, action_id), by=by, text=f"Update {n}")
        db.session.commit()
        latest = latest_updates(db.session.get(User, officer.id), ids)
    assert [latest[i].text for i in ids] == [f"Update {n}" for n in range(5)]
