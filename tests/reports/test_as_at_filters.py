"""The action log's filters give the same answer in SQL (now) and in Python (as at a
past day, on rebuilt actions), including text search on letters beyond ASCII."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import london_today, make_action, make_meeting
from tracker.actions.models import Action
from tracker.actions.queries import ActionFilters, filtered_actions, text_matches
from tracker.auth.models import User
from tracker.db import db
from tracker.reports.as_at import moment_for
from tracker.reports.queries import action_log

TITLES = [
    "ÉCOLE visits",
    "école visits",
    "Ecole visits",
    "ÖFFENTLICH review",
    "öffentlich review",
    "ЖУРНАЛ audit",
    "журнал audit",
    "ŁÓDŹ exchange",
    "plain school visits",
]
SEARCHES = ["école", "ÉCOLE", "ÉcOlE", "öffentlich", "ÖFFENTLICH", "журнал", "ЖУРНАЛ", "łódź"]


@pytest.fixture
def titled_actions(app, officer) -> None:
    meeting = make_meeting(app)
    for title in TITLES:
        make_action(app, meeting, officer, title=title)


@pytest.mark.parametrize("q", SEARCHES)
def test_sql_and_python_text_search_agree_beyond_ascii(app, officer, titled_actions, q):
    with app.app_context():
        viewer = db.session.get(User, officer.id)
        filters = ActionFilters(q=q)
        today = london_today()
        by_sql = set(
            db.session.scalars(
                filtered_actions(viewer, filters, today=today, amber_days=14).with_only_columns(
                    Action.title
                )
            )
        )
        titles = db.session.scalars(select(Action.title)).all()
        by_python = {title for title in titles if text_matches(q, title)}
        assert by_sql == by_python
        assert by_sql  # every search finds something: upper and lower case both match
        assert len(by_sql) >= 2 or q.lower() == "łódź"


@pytest.mark.parametrize("q", SEARCHES)
def test_action_log_now_and_as_at_today_agree_on_search(app, officer, titled_actions, q):
    with app.app_context():
        viewer = db.session.get(User, officer.id)
        today = london_today()
        filters = ActionFilters(q=q, sort="reference")
        now = action_log(viewer, filters, today=today)
        then = action_log(viewer, filters, today=today, as_at=moment_for(today))
        assert [a.id for a, _, _ in now.rows] == [a.id for a, _, _ in then.rows]
        assert now.rows


def test_search_finds_words_in_any_order_and_field_on_both_sides(app, officer, titled_actions):
    """A search is words, not one string: "visits plain" finds "plain school visits" now
    and as at today, and words from different fields count together."""
    assert text_matches("visits écol", "ÉCOLE", "visits")
    with app.app_context():
        viewer = db.session.get(User, officer.id)
        today = london_today()
        filters = ActionFilters(q="visits plain")
        now = action_log(viewer, filters, today=today)
        then = action_log(viewer, filters, today=today, as_at=moment_for(today))
        assert [a.title for a, _, _ in then.rows] == ["plain school visits"]
        assert [a.id for a, _, _ in now.rows] == [a.id for a, _, _ in then.rows]


def test_joined_words_of_one_query_part_must_stand_together(app, officer, titled_actions):
    """ "school-visits" is the phrase school visits: "plain visits school" has both words
    but not in a row."""
    assert text_matches("school-visits", "plain school visits")
    assert not text_matches("visits-school", "plain school visits")
    with app.app_context():
        viewer = db.session.get(User, officer.id)
        today = london_today()
        then = action_log(
            viewer, ActionFilters(q="visits-school"), today=today, as_at=moment_for(today)
        )
        assert then.rows == []
