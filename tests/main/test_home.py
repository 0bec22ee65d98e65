"""The home page: the OPCC sees the force's overdue actions, most overdue first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.factories import london_today, make_action, make_meeting
from tracker.actions.models import ActionStatus
from tracker.actions.queries import HOME_LIMIT
from tracker.auth.models import Role

SECTION_RE = re.compile(
    r'<h2 class="govuk-heading-m">Overdue force actions \((\d+)\)</h2>(.*?)</table>', re.S
)


def overdue_force_section(page: str) -> tuple[int, str]:
    match = SECTION_RE.search(page)
    assert match, "no overdue force actions on the page"
    return int(match.group(1)), match.group(2)


def test_opcc_home_lists_overdue_force_actions_most_overdue_first(app, login_as, officer, liaison):
    meeting = make_meeting(app)
    today = london_today()
    raised = today - timedelta(days=90)
    late = [
        make_action(app, meeting, liaison, due_on=today - timedelta(days=days), raised_on=raised)
        for days in (3, 20, 1)
    ]
    make_action(app, meeting, liaison, due_on=today + timedelta(days=5), raised_on=raised)
    make_action(
        app,
        meeting,
        liaison,
        due_on=today - timedelta(days=9),
        raised_on=raised,
        status=ActionStatus.CLOSED,
    )
    make_action(app, meeting, officer, due_on=today - timedelta(days=9), raised_on=raised)
    total, table = overdue_force_section(login_as(officer).get("/").text)
    assert total == 3
    links = re.findall(r'href="/actions/(\d+)">([^<]+)</a>', table)
    assert [int(action_id) for action_id, _ in links] == [late[1].id, late[0].id, late[2].id]
    assert [int(d) for d in re.findall(r"(\d+) days? overdue", table)] == [20, 3, 1]
    assert table.count(liaison.name) == 3


def test_overdue_force_actions_link_to_their_full_list_when_there_are_more(
    app, login_as, officer, liaison
):
    meeting = make_meeting(app)
    today = london_today()
    for n in range(HOME_LIMIT + 2):
        make_action(
            app,
            meeting,
            liaison,
            due_on=today - timedelta(days=n + 1),
            raised_on=today - timedelta(days=90),
        )
    client = login_as(officer)
    page = client.get("/").text
    total, table = overdue_force_section(page)
    assert total == HOME_LIMIT + 2
    assert len(re.findall(r'href="/actions/\d+"', table)) == HOME_LIMIT
    link = re.search(r'href="(/actions/\?[^"]*organisation=force[^"]*)">See all 12</a>', page)
    assert link
    listed = client.get(link.group(1).replace("&amp;", "&")).text
    assert listed.count(liaison.name) >= HOME_LIMIT


@pytest.mark.parametrize("role", [Role.FORCE_LIAISON, Role.PANEL_CLERK])
def test_only_the_opcc_home_page_lists_overdue_force_actions(
    app, login_as, make_user, liaison, role
):
    today = london_today()
    make_action(
        app,
        make_meeting(app),
        liaison,
        due_on=today - timedelta(days=4),
        raised_on=today - timedelta(days=90),
    )
    page = login_as(make_user(role)).get("/").text
    assert "Overdue force actions" not in page
