"""The navigation's action lists with their sizes: each count equals the list it links
to, for the user who sees it, and costs one statement per page."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for
from werkzeug.datastructures import MultiDict

from tests.conftest import counting_statements
from tests.factories import london_today, make_action, make_meeting
from tracker.actions.models import ActionStatus
from tracker.actions.queries import ActionFilters, action_list
from tracker.auth.models import Role

NAV_LIST_RE = re.compile(
    r'<a class="govuk-service-navigation__link" href="(/actions/\?[^"]*)"[^>]*>\s*'
    r"(?:<strong[^>]*>)?\s*(My actions|Awaiting assurance) \((\d+)\)"
)


@pytest.fixture
def owned_actions(app, officer, liaison, make_user):
    """Actions of every status owned by the officer, the liaison and others, one of
    the officer's OPCC-only and one on an unpublished meeting."""
    other = make_user(Role.FORCE_LIAISON, name="Ann Other")
    published, unpublished = make_meeting(app), make_meeting(app, published=False)
    today = london_today()
    for n, status in enumerate(list(ActionStatus) * 3):
        owner = (officer, liaison, other)[n % 3]
        make_action(
            app,
            unpublished if n % 5 == 0 else published,
            owner,
            status=status,
            due_on=today + timedelta(days=n - 10),
            raised_on=today - timedelta(days=60),
            opcc_only=owner is officer and n % 4 == 0,
        )


def nav_lists(page: str) -> dict[str, tuple[str, int]]:
    """{link text: (list URL, count)} of the navigation's counted lists."""
    return {
        text: (html.unescape(url), int(number)) for url, text, number in NAV_LIST_RE.findall(page)
    }


def listed(app, user, url: str) -> int:
    query = parse_qs(urlsplit(url).query)
    args = MultiDict([(k, v) for k, values in query.items() for v in values])
    with app.test_request_context():
        return action_list(
            user, ActionFilters.from_args(args), today=london_today(), amber_days=7, page_size=1
        ).total


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMIN, {"My actions", "Awaiting assurance"}),
        (Role.OPCC_OFFICER, {"My actions", "Awaiting assurance"}),
        (Role.FORCE_LIAISON, {"My actions"}),
        (Role.PANEL_CLERK, set()),
    ],
)
def test_navigation_counts_each_list_the_role_has(
    app, login_as, make_user, owned_actions, role, expected
):
    page = login_as(make_user(role)).get("/").text
    assert set(nav_lists(page)) == expected


@pytest.mark.parametrize("who", ["officer", "liaison"])
def test_navigation_counts_equal_the_lists_they_link_to(app, login_as, owned_actions, request, who):
    user = request.getfixturevalue(who)
    page = login_as(user).get("/").text
    lists = nav_lists(page)
    assert lists["My actions"][1] > 0
    for url, number in lists.values():
        assert number == listed(app, user, url), url
        assert f"owner={user.id}" in url or "My actions" not in url


def test_my_actions_leave_out_finished_actions_and_other_owners(
    app, login_as, liaison, owned_actions
):
    url, number = nav_lists(login_as(liaison).get("/").text)["My actions"]
    with app.app_context():
        rows = action_list(
            liaison,
            ActionFilters.from_args(
                MultiDict(
                    [(k, v) for k, values in parse_qs(urlsplit(url).query).items() for v in values]
                )
            ),
            today=london_today(),
            amber_days=7,
        ).rows
    assert len(rows) == number
    assert {row.Action.owner_id for row in rows} == {liaison.id}
    assert {row.Action.status for row in rows} == {
        ActionStatus.OPEN,
        ActionStatus.IN_PROGRESS,
        ActionStatus.IMPLEMENTED,
        ActionStatus.REOPENED,
    }


def test_navigation_marks_the_counted_list_shown_not_all_actions(
    app, login_as, officer, owned_actions
):
    client = login_as(officer)
    url, _ = nav_lists(client.get("/").text)["My actions"]
    page = client.get(url).text
    active = re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]*)" aria-current', page
    )
    assert [html.unescape(a) for a in active] == [url]
    on_all = client.get("/actions/").text
    assert re.findall(r'href="([^"]*)" aria-current', on_all) == ["/actions/"]


def test_navigation_counts_take_one_statement(app, login_as, officer, owned_actions):
    client = login_as(officer)
    with app.test_request_context():
        url = url_for("auth.change_password")  # a page that reads no actions itself
    client.get(url)  # warm caches (settings, templates)
    with counting_statements(app) as statements:
        assert client.get(url).status_code == 200
    reading_actions = [s for s in statements if re.search(r"\bFROM actions\b", s)]
    assert len(reading_actions) == 1, reading_actions
    assert "AS mine" in reading_actions[0]
    assert "AS awaiting_assurance" in reading_actions[0]


@pytest.mark.parametrize("who", ["officer", "liaison"])
@pytest.mark.parametrize(
    "list_url",
    ["/actions/", "/actions/?status=closed", "/actions/?q=nothingmatchesthis"],
    ids=["all", "some", "none"],
)
def test_the_action_list_counts_the_navigation_lists_with_its_rows(
    app, login_as, owned_actions, request, who, list_url
):
    """On the action list the counts come with the page's rows (or, when the page has
    none, from the navigation's own statement): the same numbers either way."""
    user = request.getfixturevalue(who)
    client = login_as(user)
    elsewhere = nav_lists(client.get("/").text)
    with counting_statements(app) as statements:
        page = client.get(list_url).text
    assert nav_lists(page) == elsewhere
    reading_actions = [s for s in statements if re.search(r"\bFROM actions\b", s)]
    # The force's "Asked for (N)" is one more statement of its own, over every kind of
    # ask (open force actions among them): tracker.asks.providers.count_asks.
    asked = [s for s in reading_actions if re.search(r"\bFROM adhoc_requests\b", s)]
    assert len(asked) == (1 if who == "liaison" else 0), asked
    has_rows = "No actions." not in page
    assert len(reading_actions) - len(asked) == (1 if has_rows else 2), reading_actions


def test_the_navigation_counts_follow_changes_between_requests(app, login_as, officer):
    """The statement is built once, the counts are read on every page."""
    client = login_as(officer)
    before = nav_lists(client.get("/").text)["My actions"][1]
    make_action(app, make_meeting(app), officer, status=ActionStatus.OPEN)
    assert nav_lists(client.get("/").text)["My actions"][1] == before + 1
    assert nav_lists(client.get("/actions/").text)["My actions"][1] == before + 1
