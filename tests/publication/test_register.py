"""The publication register: rows from every provider, due dates with explanations and
each status (published on time, published late, due, overdue)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import counting_statements
from tests.factories import make_meeting, make_panel_item
from tracker.db import db
from tracker.deadlines import Deadline
from tracker.publication.models import PublicationKind, PublicationRecord
from tracker.publication.providers import Publication, PublicationStatus, register
from tracker.settings.models import Setting
from tracker.sources.models import MeetingState, PanelItemKind


def _row(due: date | None, published_on: date | None) -> Publication:
    return Publication(
        kind="Decision",
        record_type="publication",
        record_id=1,
        title="A decision",
        due=Deadline(due, "set") if due else None,
        published_on=published_on,
    )


@pytest.mark.parametrize(
    ("published_on", "today", "expected"),
    [
        (date(2026, 6, 10), date(2026, 6, 20), PublicationStatus.PUBLISHED_ON_TIME),
        (date(2026, 6, 9), date(2026, 6, 20), PublicationStatus.PUBLISHED_ON_TIME),
        (date(2026, 6, 11), date(2026, 6, 20), PublicationStatus.PUBLISHED_LATE),
        (None, date(2026, 6, 10), PublicationStatus.DUE),
        (None, date(2026, 6, 11), PublicationStatus.OVERDUE),
    ],
)
def test_status_compares_publication_and_today_with_the_due_date(published_on, today, expected):
    assert _row(date(2026, 6, 10), published_on).status(today) is expected


def test_an_item_without_a_due_date_is_never_overdue():
    assert _row(None, None).status(date(2030, 1, 1)) is PublicationStatus.DUE


def _rows_by_key(app) -> dict[str, Publication]:
    with app.test_request_context():
        return {row.key: row for row in register()}


def test_held_meeting_minutes_due_twenty_working_days_after_with_explanation(app):
    # Friday 22 May 2026: 20 working days on skips the Spring bank holiday (25 May).
    meeting = make_meeting(app, held_on=date(2026, 5, 22), published=False)
    row = _rows_by_key(app)[f"meeting-{meeting.id}"]
    assert row.due.due == date(2026, 6, 22)
    assert "20 working days after 22 May 2026" in row.due.explanation
    assert "25 May 2026 (Spring Bank Holiday)" in row.due.explanation
    assert row.status(date(2026, 6, 23)) is PublicationStatus.OVERDUE


def test_minutes_due_follows_the_setting(app):
    meeting = make_meeting(app, held_on=date(2026, 6, 1))
    with app.app_context():
        db.session.add(Setting(key="minutes_due_working_days", value=5))
        db.session.commit()
    row = _rows_by_key(app)[f"meeting-{meeting.id}"]
    assert row.due.due == date(2026, 6, 8)
    assert row.due.explanation.startswith("5 working days after 1 June 2026")


def test_planned_and_cancelled_meetings_are_not_on_the_register(app):
    planned = make_meeting(app, held_on=date(2026, 9, 1), state=MeetingState.PLANNED)
    keys = _rows_by_key(app)
    assert f"meeting-{planned.id}" not in keys


def test_meeting_counts_as_published_only_when_published_with_its_date(app):
    on_time = make_meeting(
        app, held_on=date(2026, 6, 1), outcome_published_on=date(2026, 6, 5), published=True
    )
    not_marked = make_meeting(
        app, held_on=date(2026, 6, 1), outcome_published_on=date(2026, 6, 5), published=False
    )
    rows = _rows_by_key(app)
    assert rows[f"meeting-{on_time.id}"].status(date(2026, 7, 1)).is_published
    assert rows[f"meeting-{not_marked.id}"].published_on is None


def test_panel_response_published_late_and_explained(app):
    item = make_panel_item(
        app,
        kind=PanelItemKind.RECOMMENDATION,
        panel_meeting_on=date(2026, 3, 5),
        response_due_on=date(2026, 4, 4),  # a Saturday
        pcc_response="The PCC accepts the recommendation.",
        pcc_response_on=date(2026, 4, 10),
    )
    row = _rows_by_key(app)[f"panel_item-{item.id}"]
    assert row.status(date(2026, 5, 1)) is PublicationStatus.PUBLISHED_LATE
    assert row.due.explanation.startswith("The date set by the Police and Crime Panel")
    assert "Saturday" in row.due.explanation


def test_only_recommendations_are_on_the_register(app):
    item = make_panel_item(app, kind=PanelItemKind.INFORMATION)
    assert f"panel_item-{item.id}" not in _rows_by_key(app)


def test_unpublished_panel_item_response_is_not_counted_as_published(app):
    item = make_panel_item(
        app,
        kind=PanelItemKind.RECOMMENDATION,
        response_due_on=date(2026, 4, 6),
        pcc_response="Given but kept back.",
        pcc_response_on=date(2026, 4, 1),
        published=False,
    )
    assert _rows_by_key(app)[f"panel_item-{item.id}"].published_on is None


def test_register_lists_outstanding_first_then_published_newest_first(app):
    with app.app_context():
        db.session.add_all(
            [
                PublicationRecord(
                    kind=PublicationKind.DECISION,
                    title="Old published",
                    due_on=date(2026, 1, 5),
                    published_on=date(2026, 1, 5),
                    url="https://opcc.example.org/a",
                ),
                PublicationRecord(
                    kind=PublicationKind.DECISION,
                    title="New published",
                    due_on=date(2026, 3, 5),
                    published_on=date(2026, 3, 2),
                    url="https://opcc.example.org/b",
                ),
                PublicationRecord(
                    kind=PublicationKind.ANNUAL_STATEMENT,
                    title="Later due",
                    due_on=date(2026, 9, 1),
                ),
                PublicationRecord(
                    kind=PublicationKind.OTHER, title="Sooner due", due_on=date(2026, 7, 1)
                ),
            ]
        )
        db.session.commit()
    with app.test_request_context():
        titles = [row.title for row in register()]
    assert titles == ["Sooner due", "Later due", "New published", "Old published"]


def test_register_page_shows_status_and_explanation(app, client, login_as, officer):
    make_meeting(app, title="Meeting Hawthorn", held_on=date(2020, 1, 6), published=False)
    login_as(officer)
    page = client.get("/publication/")
    assert page.status_code == 200
    assert "Meeting Hawthorn" in page.text
    assert "20 working days after 6 January 2020" in page.text
    assert "Overdue" in page.text


def _add_one_of_each(app, n: int) -> None:
    make_meeting(app, held_on=date(2026, 1, 5) + timedelta(days=n), opcc_lead_id=None)
    make_panel_item(app, kind=PanelItemKind.RECOMMENDATION, response_due_on=date(2026, 3, 2))
    with app.app_context():
        db.session.add(
            PublicationRecord(
                kind=PublicationKind.DECISION, title=f"Decision {n}", due_on=date(2026, 2, 2)
            )
        )
        db.session.commit()


def _statements_for_pages(app, client) -> tuple[int, int]:
    with counting_statements(app) as register_statements:
        assert client.get("/publication/").status_code == 200
    with counting_statements(app) as public_statements:
        assert client.get("/public/feed.atom").status_code == 200
    return len(register_statements), len(public_statements)


def test_register_and_feed_run_the_same_statements_however_many_rows(
    app, client, login_as, officer
):
    login_as(officer)
    _add_one_of_each(app, 0)
    few = _statements_for_pages(app, client)
    for n in range(1, 6):
        _add_one_of_each(app, n)
    assert _statements_for_pages(app, client) == few
