"""The dashboard: every figure equals the action list it links to, for every role, and the
page reads the actions in one pass."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import counting_statements
from tests.factories import (
    london_today,
    make_action,
    make_finding,
    make_meeting,
    make_panel_item,
    make_report,
)
from tracker.actions.models import ActionStatus, Rag, SourceType
from tracker.actions.queries import ActionFilters, action_list
from tracker.auth.models import Role
from tracker.settings.definitions import AMBER_DAYS
from tracker.settings.services import setting

# A dashboard figure: a link to the action list with the number as its text.
FIGURE_RE = re.compile(r'href="(/actions/\?[^"]*)">(\d+)<span class="govuk-visually-hidden">')
TOTAL_RE = re.compile(r"(\d+) actions? you can see")
SOURCE_ROW_RE = re.compile(
    r'<th scope="row" class="govuk-table__header">([^<]+)</th>((?:\s*<td[^>]*>\d+</td>){4})'
)


@pytest.fixture
def mixed_actions(app, officer, liaison, make_user):
    """Actions every role sees some of: published and unpublished sources, OPCC-only
    actions, force and OPCC owners, every status, due dates either side of today."""
    other_liaison = make_user(Role.FORCE_LIAISON, name="Ann Other")
    sources = [
        make_meeting(app),
        make_meeting(app, published=False),
        make_panel_item(app),
        make_panel_item(app, published=False),
        make_finding(app, make_report(app)),
    ]
    owners = [officer, liaison, other_liaison]
    today = london_today()
    statuses = list(ActionStatus)
    for n in range(60):
        owner = owners[n % len(owners)]
        make_action(
            app,
            sources[n % len(sources)],
            owner,
            status=statuses[n % len(statuses)],
            due_on=today + timedelta(days=(n % 11) * 3 - 15),
            raised_on=today - timedelta(days=90),
            opcc_only=n % 7 == 0 and owner is officer,
        )


def figures(page: str) -> list[tuple[str, int]]:
    """(list URL, number shown) of every linked figure on the page."""
    return [(html.unescape(url), int(number)) for url, number in FIGURE_RE.findall(page)]


def listed(app, user, url: str) -> int:
    """How many actions the action list at `url` holds for `user`."""
    args = MultiDict(
        [(k, v) for k, values in parse_qs(urlsplit(url).query).items() for v in values]
    )
    with app.test_request_context():
        return action_list(
            user,
            ActionFilters.from_args(args),
            today=london_today(),
            amber_days=setting(AMBER_DAYS),
            page_size=1,
        ).total


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.OPCC_OFFICER, Role.FORCE_LIAISON, Role.PANEL_CLERK]
)
def test_dashboard_figures_equal_the_lists_they_link_to(
    app, login_as, make_user, mixed_actions, role
):
    user = make_user(role)
    page = login_as(user).get("/actions/dashboard").text
    shown = figures(page)
    assert {url for url, _ in shown} >= {f"/actions/?rag={r.value}" for r in Rag}
    assert {url for url, _ in shown} >= {f"/actions/?status={s.value}" for s in ActionStatus}
    for url, number in shown:
        assert number == listed(app, user, url), url
    assert int(TOTAL_RE.search(page).group(1)) == listed(app, user, "/actions/?")


@pytest.mark.parametrize("role", [Role.OPCC_OFFICER, Role.FORCE_LIAISON, Role.PANEL_CLERK])
def test_dashboard_rag_by_source_equals_the_list_filtered_by_source_and_rag(
    app, login_as, make_user, mixed_actions, role
):
    user = make_user(role)
    page = login_as(user).get("/actions/dashboard").text
    rows = {
        html.unescape(label): re.findall(r">(\d+)<", cells)
        for label, cells in SOURCE_ROW_RE.findall(page)
    }
    assert set(rows) == {source.label for source in SourceType}
    for source in SourceType:
        for rag, shown in zip(
            ("red", "amber", "green", "complete"), rows[source.label], strict=True
        ):
            url = f"/actions/?source_type={source.value}&rag={rag}"
            assert int(shown) == listed(app, user, url), url


def test_dashboard_lists_owners_with_the_most_overdue_actions_first(
    app, login_as, officer, liaison, mixed_actions
):
    page = login_as(officer).get("/actions/dashboard").text
    overdue = [(url, n) for url, n in figures(page) if "overdue=1" in url]
    assert len(overdue) == 3
    assert [n for _, n in overdue] == sorted((n for _, n in overdue), reverse=True)
    assert all(n > 0 for _, n in overdue)


def test_dashboard_reads_the_actions_in_a_fixed_number_of_statements(
    app, login_as, officer, mixed_actions
):
    client = login_as(officer)
    client.get("/actions/dashboard")  # warm caches (settings, templates)
    with counting_statements(app) as statements:
        assert client.get("/actions/dashboard").status_code == 200
    reading_actions = [s for s in statements if re.search(r"\bFROM actions\b", s)]
    # One pass for every figure, and the navigation's list sizes (one statement).
    assert len(reading_actions) == 2, "\n\n".join(reading_actions)
    assert "GROUP BY actions.status, actions.source_type, actions.owner_id" in reading_actions[0]
    assert "AS mine" in reading_actions[1]
    assert len(statements) <= 6, "\n\n".join(statements)
