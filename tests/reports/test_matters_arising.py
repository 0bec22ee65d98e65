"""The matters-arising report for an A&A meeting's pack."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader
from sqlalchemy import select

from tests.factories import make_action, make_meeting
from tracker.actions.models import ActionStatus, ActionUpdate
from tracker.db import db


def post_update(app, action, author, text, when):
    with app.app_context():
        db.session.add(
            ActionUpdate(action_id=action.id, author_id=author.id, text=text, created_at=when)
        )
        db.session.commit()


def test_open_and_recently_closed_actions_with_updates_since_the_previous_meeting(
    app, client, login_as, officer, liaison
):
    june = make_meeting(app, kind="performance", held_on=date(2023, 6, 5), title="June")
    august = make_meeting(app, kind="performance", held_on=date(2023, 8, 31), title="August")
    november = make_meeting(app, kind="performance", held_on=date(2023, 11, 30), title="November")
    thematic = make_meeting(app, kind="thematic", held_on=date(2023, 6, 29), title="Thematic")
    still_open = make_action(
        app, june, liaison, title="Still open from June", raised_on=date(2023, 6, 5)
    )
    make_action(
        app,
        june,
        liaison,
        title="Closed long ago",
        raised_on=date(2023, 6, 5),
        status=ActionStatus.CLOSED,
        closed_on=date(2023, 7, 1),
    )
    make_action(
        app,
        august,
        liaison,
        title="Closed since August",
        raised_on=date(2023, 8, 31),
        status=ActionStatus.CLOSED,
        closed_on=date(2023, 10, 1),
    )
    make_action(app, thematic, liaison, title="Other series", raised_on=date(2023, 6, 29))
    make_action(
        app, november, liaison, title="Raised at this meeting", raised_on=date(2023, 11, 30)
    )
    post_update(app, still_open, liaison, "Old news", datetime(2023, 7, 1, tzinfo=UTC))
    post_update(app, still_open, liaison, "Fresh progress", datetime(2023, 9, 15, tzinfo=UTC))
    login_as(officer)
    page = client.get(f"/reports/meetings/{november.id}").text
    assert "Still open from June" in page
    assert "Closed since August" in page
    assert "Closed long ago" not in page
    assert "Other series" not in page
    assert "Raised at this meeting" not in page
    assert "Fresh progress" in page
    assert "Old news" not in page
    response = client.get(f"/reports/meetings/{november.id}.pdf")
    assert response.status_code == 200
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages
    )
    assert "Matters arising: November" in text
    assert "Fresh progress" in text
    assert "Previous meeting 31 August 2023" in text


def test_force_user_report_hides_restricted_actions_and_internal_updates(
    app, client, login_as, officer, liaison
):
    earlier = make_meeting(app, held_on=date(2023, 6, 5))
    later = make_meeting(app, held_on=date(2023, 8, 31))
    visible = make_action(app, earlier, liaison, title="Force action", raised_on=date(2023, 6, 5))
    make_action(
        app, earlier, officer, title="Restricted action", opcc_only=True, raised_on=date(2023, 6, 5)
    )
    make_action(app, later, liaison, title="From the later meeting", raised_on=date(2023, 8, 31))
    with app.app_context():
        db.session.add(
            ActionUpdate(
                action_id=visible.id, author_id=officer.id, text="Internal musing", opcc_only=True
            )
        )
        db.session.commit()
    login_as(liaison)
    page = client.get(f"/reports/meetings/{later.id}").text
    assert "Force action" in page
    assert "Restricted action" not in page
    assert "Internal musing" not in page


def test_unpublished_meeting_report_is_404_for_panel_clerks(app, client, login_as, clerk):
    hidden = make_meeting(app, published=False)
    login_as(clerk)
    assert client.get(f"/reports/meetings/{hidden.id}").status_code == 404
    assert client.get(f"/reports/meetings/{hidden.id}.pdf").status_code == 404


def test_missing_meeting_is_404(client, login_as, officer):
    login_as(officer)
    assert client.get("/reports/meetings/999").status_code == 404
    with client.application.app_context():
        assert db.session.scalars(select(ActionUpdate)).all() == []
