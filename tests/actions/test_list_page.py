"""The action list page through HTTP: sortable headers, selected-filter tags, paging
past the end, the latest update each reader may see, and its statement count."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import counting_statements as counting
from tests.factories import london_today, make_action
from tracker.actions import services as actions
from tracker.actions.models import Action, ActionStatus
from tracker.auth.models import User
from tracker.db import db
from tracker.settings.models import Tag, TagList

HEADER_RE = re.compile(
    r'<th scope="col" class="govuk-table__header" aria-sort="(\w+)">'
    r'<a [^>]*href="([^"]+)">(\w+)</a>'
)
ROW_REFERENCE_RE = re.compile(
    r'<td class="govuk-table__cell"><a class="govuk-link" href="/actions/\d+">([^<]+)</a>'
)
TAG_RE = re.compile(
    r'<a class="moj-filter__tag" href="([^"]+)"><span class="govuk-visually-hidden">'
    r"Remove this filter: ([^<]+) </span>([^<]+)</a>"
)


def headers(page: str) -> dict[str, tuple[str, str]]:
    """{column label: (aria-sort, link)} of the sortable headers."""
    return {label: (aria, html.unescape(href)) for aria, href, label in HEADER_RE.findall(page)}


def references(page: str) -> list[str]:
    return ROW_REFERENCE_RE.findall(page)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(html.unescape(url)).query)


@pytest.fixture
def three_actions(app, meeting, liaison):
    """References, due dates and statuses in three different orders."""
    today = london_today()
    make_action(app, meeting, liaison, reference="B-2", due_on=today + timedelta(days=5))
    make_action(
        app,
        meeting,
        liaison,
        reference="C-3",
        due_on=today + timedelta(days=1),
        status=ActionStatus.IN_PROGRESS,
    )
    make_action(
        app,
        meeting,
        liaison,
        reference="A-1",
        due_on=today + timedelta(days=9),
        status=ActionStatus.IMPLEMENTED,
    )


def test_the_default_list_is_sorted_by_due_date_and_says_so(
    client, login_as, officer, three_actions
):
    login_as(officer)
    page = client.get("/actions/").text
    assert references(page) == ["C-3", "B-2", "A-1"]
    assert headers(page) == {
        "Reference": ("none", "/actions/?sort=reference"),
        "Due": ("ascending", "/actions/?sort=due_desc"),
        "Status": ("none", "/actions/?sort=status"),
    }


def test_the_due_header_link_turns_the_order_round_and_back(
    client, login_as, officer, three_actions
):
    login_as(officer)
    link = headers(client.get("/actions/").text)["Due"][1]
    latest_first = client.get(link).text
    assert references(latest_first) == ["A-1", "B-2", "C-3"]
    aria_sort, back = headers(latest_first)["Due"]
    assert aria_sort == "descending"
    assert back == "/actions/"


def test_the_reference_header_sorts_by_reference(client, login_as, officer, three_actions):
    login_as(officer)
    link = headers(client.get("/actions/").text)["Reference"][1]
    page = client.get(link).text
    assert references(page) == ["A-1", "B-2", "C-3"]
    assert headers(page)["Reference"][0] == "ascending"
    assert headers(page)["Due"][0] == "none"


def test_the_status_header_sorts_by_status(client, login_as, officer, three_actions):
    login_as(officer)
    page = client.get(headers(client.get("/actions/").text)["Status"][1]).text
    # Stored values in order: implemented, in_progress, open.
    assert references(page) == ["A-1", "C-3", "B-2"]
    assert headers(page)["Status"][0] == "ascending"


def test_sorts_without_a_column_are_links_and_no_header_claims_the_order(
    client, login_as, officer, three_actions
):
    login_as(officer)
    page = client.get("/actions/?sort=raised").text
    assert {aria for aria, _ in headers(page).values()} == {"none"}
    assert '<strong aria-current="true">Date raised (newest first)</strong>' in page
    assert 'href="/actions/?sort=overdue">Most overdue first</a>' in page


def test_header_links_keep_the_filters_and_start_from_the_first_page(
    app, client, login_as, officer, meeting, liaison
):
    for n in range(30):
        make_action(app, meeting, liaison, title=f"Paged action {n}")
    login_as(officer)
    page = client.get("/actions/?q=paged&status=open&page=2").text
    link = headers(page)["Reference"][1]
    assert query_of(link) == {"q": ["paged"], "status": ["open"], "sort": ["reference"]}


def test_each_selected_filter_tag_removes_exactly_that_filter(
    app, client, login_as, officer, meeting, liaison
):
    with app.app_context():
        tag = Tag(tag_list=TagList.NATIONAL_PRIORITY, name="Supporting victims")
        db.session.add(tag)
        db.session.commit()
        tag_id = tag.id
    make_action(app, meeting, liaison, title="Something to list")
    login_as(officer)
    asked = {
        "q": ["victims"],
        "rag": ["red", "amber"],
        "status": ["open"],
        "source_type": ["meeting"],
        "overdue": ["1"],
        "owner": [str(liaison.id)],
        "organisation": ["force"],
        "tag": [str(tag_id)],
        "due_from": ["2024-01-01"],
        "due_to": ["2024-12-31"],
        "sort": ["reference"],
    }
    query = "&".join(f"{name}={value}" for name, values in asked.items() for value in values)
    page = client.get(f"/actions/?{query}").text
    tags = TAG_RE.findall(page)
    labels = {(heading, html.unescape(label)) for _, heading, label in tags}
    assert labels == {
        ("Search", "“victims”"),
        ("RAG", "Red"),
        ("RAG", "Amber"),
        ("Status", "Open"),
        ("Source", "A&A meeting"),
        ("Overdue", "Overdue only"),
        ("Owner", "Lee Liaison"),
        ("Owning organisation", "Force"),
        ("Tag", "Supporting victims"),
        ("Due from", "1 January 2024"),
        ("Due by", "31 December 2024"),
    }
    removed_by_label = {
        "“victims”": ("q", "victims"),
        "Red": ("rag", "red"),
        "Amber": ("rag", "amber"),
        "Open": ("status", "open"),
        "A&A meeting": ("source_type", "meeting"),
        "Overdue only": ("overdue", "1"),
        "Lee Liaison": ("owner", str(liaison.id)),
        "Force": ("organisation", "force"),
        "Supporting victims": ("tag", str(tag_id)),
        "1 January 2024": ("due_from", "2024-01-01"),
        "31 December 2024": ("due_to", "2024-12-31"),
    }
    for href, _, label in tags:
        name, value = removed_by_label[html.unescape(label)]
        expected = {k: [v for v in vs if not (k == name and v == value)] for k, vs in asked.items()}
        assert query_of(href) == {k: vs for k, vs in expected.items() if vs}, label
    # Following a tag's link shows the list without that one filter.
    red_link = next(href for href, _, label in tags if label == "Red")
    after = {
        html.unescape(label)
        for _, _, label in TAG_RE.findall(client.get(html.unescape(red_link)).text)
    }
    assert "Red" not in after
    assert "Amber" in after


def test_clear_filters_keeps_the_sort(client, login_as, officer, three_actions):
    login_as(officer)
    page = client.get("/actions/?status=open&sort=reference").text
    assert 'href="/actions/?sort=reference">Clear filters</a>' in page


def test_an_unfiltered_list_shows_no_selected_filters(client, login_as, officer, three_actions):
    login_as(officer)
    page = client.get("/actions/?sort=reference").text
    assert "Selected filters" not in page
    assert TAG_RE.findall(page) == []


def test_force_users_get_no_owner_filter_but_see_the_owner_they_filter_by(
    client, login_as, liaison, three_actions
):
    login_as(liaison)
    page = client.get(f"/actions/?owner={liaison.id}").text
    assert 'id="owner"' not in page
    assert ("Owner", "Lee Liaison") in {(h, label) for _, h, label in TAG_RE.findall(page)}


def test_a_page_past_the_last_shows_the_last_page(app, client, login_as, officer, meeting, liaison):
    for n in range(30):
        make_action(app, meeting, liaison, title=f"Paged action {n}", reference=f"P-{n:02d}")
    login_as(officer)
    page = client.get("/actions/?page=9&sort=reference").text
    assert "Page 2 of 2" in page
    assert references(page) == [f"P-{n:02d}" for n in range(25, 30)]
    assert "30 actions" in page


def test_the_list_shows_each_reader_the_newest_update_they_may_see(
    app, client, login_as, auth, officer, liaison, force_action
):
    with app.app_context():
        action = db.session.get(Action, force_action.id)
        by = db.session.get(User, officer.id)
        actions.add_update(action, by=by, text="Force replied on time")
        actions.add_update(action, by=by, text="Chief Executive unconvinced", opcc_only=True)
        db.session.commit()
    login_as(officer)
    assert "Chief Executive unconvinced" in client.get("/actions/").text
    auth.logout()
    login_as(liaison)
    page = client.get("/actions/").text
    assert "Chief Executive unconvinced" not in page
    assert "Force replied on time" in page


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        # The signed-in user, the settings, the page (rows, total, latest updates and
        # the navigation's list counts) and the owner and tag choices (one statement).
        ("officer", 4),
        # The force: tag choices only, in the same one statement, and the count of what
        # the OPCC has asked for.
        ("liaison", 5),
    ],
)
def test_the_list_page_runs_a_fixed_small_number_of_statements(
    request, app, client, login_as, meeting, liaison, user_fixture, expected
):
    user = request.getfixturevalue(user_fixture)
    today = london_today()
    for n in range(40):
        make_action(app, meeting, liaison, due_on=today + timedelta(days=n - 20))
    login_as(user)
    client.get("/actions/?sort=overdue")  # warm caches
    with counting(app) as statements:
        page = client.get("/actions/?sort=overdue&status=open")
    assert page.status_code == 200
    assert len(statements) == expected, "\n".join(statements)
    assert sum("FROM action_updates" in s for s in statements) == 1


def test_the_list_rows_agree_with_the_rag_and_days_overdue_of_each_action(
    app, client, login_as, officer, meeting, liaison
):
    today = london_today()
    make_action(app, meeting, liaison, reference="LATE", due_on=today - timedelta(days=3))
    make_action(app, meeting, liaison, reference="SOON", due_on=today + timedelta(days=2))
    login_as(officer)
    page = client.get("/actions/?sort=reference").text
    late_row = page[page.index(">LATE<") : page.index(">SOON<")]
    assert "3 days overdue" in late_row
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in late_row


def test_list_page_rows_agree_with_latest_updates_and_action_list(app, meeting, officer, liaison):
    """The page reads its rows its own way (plain columns, one statement): the latest
    update, RAG and days overdue of each row must be those the other lists show."""
    from tracker.actions.listing import list_page
    from tracker.actions.queries import ActionFilters, action_list, latest_updates

    today = london_today()
    ids = [
        make_action(app, meeting, liaison, due_on=today + timedelta(days=n * 3 - 9)).id
        for n in range(6)
    ]
    with app.app_context():
        by = db.session.get(User, officer.id)
        for n, action_id in enumerate(ids):
            action = db.session.get(Action, action_id)
            if n % 2 == 0:
                actions.add_update(action, by=by, text=f"Shared note {n}")
            if n % 3 == 0:
                actions.add_update(action, by=by, text=f"Internal note {n}", opcc_only=True)
        db.session.commit()
        for reader_id in (officer.id, liaison.id):
            reader = db.session.get(User, reader_id)
            filters = ActionFilters(sort="overdue")
            page = list_page(reader, filters, today=today, amber_days=14, page_size=25)
            listed = action_list(reader, filters, today=today, amber_days=14, page_size=25)
            latest = latest_updates(reader, [row.id for row in page.rows])
            assert [row.id for row in page.rows] == [row.Action.id for row in listed.rows]
            assert [(row.rag, row.days_overdue) for row in page.rows] == [
                (row.rag, row.days_overdue) for row in listed.rows
            ]
            assert {row.id: row.latest_text for row in page.rows if row.latest_text} == {
                action_id: update.text for action_id, update in latest.items()
            }
            assert page.total == listed.total == len(ids)


def test_unfiltered_list_for_the_opcc_counts_the_whole_table_without_a_where(
    app, client, login_as, officer, meeting, liaison
):
    """The OPCC sees every action, so the unfiltered count needs no condition: SQLite
    answers a bare count(*) from the table's b-tree instead of walking every row."""
    make_action(app, meeting, liaison)
    login_as(officer)
    client.get("/actions/")  # warm caches
    with counting(app) as statements:
        assert client.get("/actions/").status_code == 200
    listing = next(s for s in statements if "AS total" in s)
    assert "1 = 1" not in listing
    assert "WHERE true" not in listing


def test_force_list_count_keeps_the_visibility_condition(app, client, login_as, liaison, meeting):
    make_action(app, meeting, liaison)
    login_as(liaison)
    with counting(app) as statements:
        assert client.get("/actions/").status_code == 200
    listing = next(s for s in statements if "AS total" in s)
    assert "opcc_only" in listing


def test_the_force_list_sends_its_visibility_as_the_partial_index_is_written(
    app, client, login_as, meeting, liaison
):
    """ix_actions_force_visible can serve a query only if its WHERE holds the index's
    terms with their values inline (a bound parameter could be anything)."""
    from tracker.actions.models import FORCE_VISIBLE_SQL
    from tracker.db import db

    make_action(app, meeting, liaison)
    login_as(liaison)
    with counting(app) as statements:
        assert client.get("/actions/").status_code == 200
    listing = next(s for s in statements if "AS total" in s)
    with app.app_context():
        dialect = db.engine.dialect.name
    for term in FORCE_VISIBLE_SQL[dialect].split(" AND "):
        assert f"actions.{term}" in listing, term
