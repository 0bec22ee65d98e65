"""Lists and dashboards issue a constant number of SQL statements, however many rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import counting_statements as counting
from tests.factories import london_today, make_action, make_meeting
from tracker.actions.models import ActionStatus

PAGES = [
    "/",
    "/actions/",
    "/actions/?sort=overdue&rag=red&rag=amber",
    "/actions/dashboard",
    "/meetings/",
    "/meetings/{meeting}",
    "/requests/",
    "/panel/",
    "/hmicfrs/",
    "/audit/",
]


def add_actions(app, meeting, owners, number):
    today = london_today()
    for n in range(number):
        make_action(
            app,
            meeting,
            owners[n % len(owners)],
            title=f"Action {n}",
            raised_on=today - timedelta(days=60),
            due_on=today + timedelta(days=(n % 9) - 4),
            status=list(ActionStatus)[n % 4],
        )


@pytest.mark.parametrize("url_pattern", PAGES)
def test_statement_count_does_not_grow_with_rows(
    app, client, login_as, officer, liaison, url_pattern
):
    meeting = make_meeting(app)
    other = make_meeting(app)
    login_as(officer)
    url = url_pattern.format(meeting=meeting.id)
    # Enough rows that every section of every page has something to show.
    add_actions(app, meeting, [officer, liaison], 12)
    add_actions(app, other, [officer, liaison], 4)
    client.get(url)  # warm caches (settings, templates)
    with counting(app) as few:
        assert client.get(url).status_code == 200
    add_actions(app, meeting, [officer, liaison], 40)
    add_actions(app, other, [officer, liaison], 20)
    with counting(app) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= 25
