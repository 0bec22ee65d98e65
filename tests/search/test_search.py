"""Searching everything: the same hits on SQLite and PostgreSQL, the index kept in step
with each kind of record in the same transaction, hits filtered by who may see them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import (
    make_action,
    make_adhoc_request,
    make_finding,
    make_meeting,
    make_panel_item,
    make_report,
)
from tracker.actions.models import Action
from tracker.auth.models import User
from tracker.db import db
from tracker.search.models import SearchEntry
from tracker.search.queries import search_everything
from tracker.sources.models import AdhocRequest, Finding, HmicfrsReport, Meeting, PanelItem


@pytest.fixture
def world(app, officer, liaison):
    """Records about custody (and one that is not), some hidden from the force or Panel."""
    meeting = make_meeting(
        app, title="Custody inspection review", themes="Detention and custody", published=False
    )
    other_meeting = make_meeting(app, title="Neighbourhood policing", published=True)
    request = make_adhoc_request(app, subject="Custody suite staffing", detail="Rotas")
    item = make_panel_item(app, agenda_item="Item 7", text="Time spent in custody cells")
    report = make_report(app, code="CUST23", title="Custody services inspection 2023")
    finding = make_finding(app, report, reference="AFI4", text="Improve custody records")
    make_action(app, meeting, liaison, reference="AA-2023-014", title="Inspect custody cells")
    make_action(
        app,
        meeting,
        officer,
        reference="AA-2023-015",
        title="Custody inspections follow-up",
        opcc_only=True,
    )
    make_action(
        app,
        other_meeting,
        liaison,
        reference="AA-2024-001",
        title="Victims needs assessment",
        opcc_note="zebra custody inspected privately",
    )
    return {
        "meeting": meeting.id,
        "request": request.id,
        "item": item.id,
        "report": report.id,
        "finding": finding.id,
    }


def _found(app, user: User, q: str) -> dict[str, set[str]]:
    """What the search page finds for `user`: kind -> references (or titles)."""
    with app.app_context():
        viewer = db.session.get(User, user.id)
        return {
            group.kind: {hit.reference for hit in group.hits}
            for group in search_everything(viewer, q)
            if group.total
        }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("AA-2023-014", {"action": {"AA-2023-014"}}),
        ("AA-2023", {"action": {"AA-2023-014", "AA-2023-015"}}),
        ("aa-2023-01", {"action": {"AA-2023-014", "AA-2023-015"}}),
        ("aa 2024", {"action": {"AA-2024-001"}}),
        ("CUST23", {"hmicfrs_report": {"CUST23"}}),
        (
            "inspected",  # the stem of inspect, inspection, inspections
            {
                "action": {"AA-2023-014", "AA-2023-015"},
                "meeting": {"2023-06-05"},
                "hmicfrs_report": {"CUST23"},
            },
        ),
        (
            "custody",
            {
                "action": {"AA-2023-014", "AA-2023-015"},
                "meeting": {"2023-06-05"},
                "adhoc_request": {"2023-07-03"},
                "panel_item": {"Item 7"},
                "hmicfrs_report": {"CUST23"},
                "finding": {"AFI4"},
            },
        ),
        ("custod cell", {"action": {"AA-2023-014"}, "panel_item": {"Item 7"}}),
        ("records improve", {"finding": {"AFI4"}}),
        ("zebra", {}),  # only in an OPCC note, which is never indexed
        ("custody-cells", {"action": {"AA-2023-014"}, "panel_item": {"Item 7"}}),
        ("cells-custody", {}),
    ],
)
def test_search_finds_exactly(app, officer, world, q, expected):
    assert _found(app, officer, q) == expected


def test_force_liaison_never_gets_opcc_only_hits(app, liaison, world):
    found = _found(app, liaison, "custody")
    assert found["action"] == {"AA-2023-014"}
    assert found["meeting"] == {"2023-06-05"}  # the force sees every meeting
    assert "panel_item" not in found  # no action of the force's on it
    with app.app_context():
        viewer = db.session.get(User, liaison.id)
        totals = {g.kind: g.total for g in search_everything(viewer, "AA-2023")}
    assert totals["action"] == 1  # the count does not give the hidden action away


def test_panel_clerk_sees_published_and_public_records_only(app, clerk, world):
    found = _found(app, clerk, "custody")
    assert found == {
        "panel_item": {"Item 7"},
        "hmicfrs_report": {"CUST23"},
        "finding": {"AFI4"},
    }


def test_search_page_groups_hits_with_links_that_open(client, login_as, officer, world):
    login_as(officer)
    page = client.get("/search?q=custody")
    assert page.status_code == 200
    html = page.text
    for heading in ("Actions (2)", "A&amp;A meetings (1)", "Ad-hoc requests (1)"):
        assert heading in html
    for link in (
        f"/meetings/{world['meeting']}",
        f"/requests/{world['request']}",
        f"/panel/{world['item']}",
        f"/hmicfrs/{world['report']}#finding-{world['finding']}",
    ):
        assert f'href="{link}"' in html
        assert client.get(link.split("#")[0]).status_code == 200
    assert "<mark>custody </mark>" in html


def test_more_actions_than_shown_link_to_the_filtered_action_list(app, client, login_as, officer):
    meeting = make_meeting(app)
    for n in range(11):
        make_action(app, meeting, officer, reference=f"BB-{n:03d}", title="Estates review")
    login_as(officer)
    html = client.get("/search?q=estates").text
    assert "See all 11 actions" in html
    assert 'href="/actions/?q=estates"' in html
    listed = client.get("/actions/?q=estates").text
    assert all(f"BB-{n:03d}" in listed for n in range(11))


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"custody',
        "*",
        "custody*",
        "NEAR(custody cells)",
        "-",
        "-custody",
        "custody OR cells",
        "custody AND",
        "words:custody",
        "^custody",
        "{words}: x",
        "(",
        "%_",
        "'; DROP TABLE actions; --",
        "ÉCOLE łódź журнал",
        "😀",
        "\u0301",
        "a" * 199,
        "a " * 100,
    ],
)
def test_odd_queries_are_words_not_query_language(client, login_as, officer, world, q):
    login_as(officer)
    assert client.get("/search", query_string={"q": q}).status_code == 200
    assert client.get("/actions/", query_string={"q": q}).status_code == 200


def test_quotes_and_stars_are_ignored_around_words(app, officer, world):
    assert _found(app, officer, '"AA-2023-014"*') == {"action": {"AA-2023-014"}}


def test_too_long_a_query_is_refused_with_a_message(client, login_as, officer):
    login_as(officer)
    page = client.get("/search", query_string={"q": "x" * 201})
    assert page.status_code == 200
    assert "Enter 200 characters or fewer" in page.text


def test_empty_query_shows_the_box_only(client, login_as, officer, world):
    login_as(officer)
    page = client.get("/search?q=").text
    assert 'id="search-q"' in page
    assert "results for" not in page


def test_header_has_a_search_box_for_signed_in_users(client, login_as, officer):
    assert 'id="header-search"' not in client.get("/auth/login").text
    login_as(officer)
    assert 'id="header-search"' in client.get("/").text


# The index in step with the records ---------------------------------------------------


def _entries(app) -> set[tuple[str, int, str]]:
    with app.app_context():
        return {(e.kind, e.record_id, e.words) for e in db.session.scalars(select(SearchEntry))}


def _hits(app, model, q) -> set[int]:
    from tracker.search.queries import found_by

    with app.app_context():
        return set(db.session.scalars(select(model.id).where(found_by(model, q))))


CHANGES = [
    (Meeting, lambda app: make_meeting(app, title="Alpha meeting"), "title"),
    (AdhocRequest, lambda app: make_adhoc_request(app, subject="Alpha request"), "subject"),
    (PanelItem, lambda app: make_panel_item(app, text="Alpha item"), "text"),
    (HmicfrsReport, lambda app: make_report(app, title="Alpha report"), "title"),
    (Finding, lambda app: make_finding(app, make_report(app), text="Alpha finding"), "text"),
]


@pytest.mark.parametrize(("model", "make", "field"), CHANGES)
def test_index_follows_create_edit_and_delete_of_sources(app, model, make, field):
    record = make(app)
    assert _hits(app, model, "alpha") == {record.id}
    with app.app_context():
        loaded = db.session.get(model, record.id)
        setattr(loaded, field, "Bravo changed")
        db.session.commit()
    assert _hits(app, model, "alpha") == set()
    assert _hits(app, model, "bravo") == {record.id}
    with app.app_context():
        db.session.delete(db.session.get(model, record.id))
        db.session.commit()
    assert _hits(app, model, "bravo") == set()
    assert not [e for e in _entries(app) if e[1] == record.id and e[2].startswith("bravo")]


def test_index_follows_create_edit_and_delete_of_actions(app, officer):
    action = make_action(app, make_meeting(app), officer, title="Alpha action")
    assert _hits(app, Action, "alpha") == {action.id}
    with app.app_context():
        db.session.get(Action, action.id).description = "bravo detail"
        db.session.commit()
    assert _hits(app, Action, "alpha bravo") == {action.id}
    with app.app_context():
        db.session.delete(db.session.get(Action, action.id))
        db.session.commit()
    assert _hits(app, Action, "alpha") == set()
    assert ("action", action.id) not in {(k, i) for k, i, _ in _entries(app)}


def test_a_rolled_back_change_leaves_no_stray_entry(app, officer):
    meeting = make_meeting(app, title="Charlie meeting")
    before = _entries(app)
    with app.app_context():
        db.session.add(Meeting(kind=meeting.kind, held_on=date(2024, 1, 1), title="Delta"))
        db.session.get(Meeting, meeting.id).title = "Echo"
        db.session.flush()
        db.session.rollback()
    assert _entries(app) == before
    assert _hits(app, Meeting, "charlie") == {meeting.id}
    assert _hits(app, Meeting, "delta echo") == set()


def test_entries_are_written_in_the_flush_inside_the_transaction(app):
    with app.app_context():
        added = Meeting(kind=make_meeting(app).kind, held_on=date(2024, 1, 1), title="Foxtrot")
        db.session.add(added)
        db.session.flush()
        found = db.session.scalars(select(Meeting.id).where(_match(Meeting, "foxtrot"))).all()
        assert found == [added.id]
        db.session.rollback()
    assert _hits(app, Meeting, "foxtrot") == set()


def _match(model, q):
    from tracker.search.queries import found_by

    return found_by(model, q)


def test_an_unchanged_text_is_not_rewritten(app, officer):
    action = make_action(app, make_meeting(app), officer, title="Golf")
    with app.app_context():
        entry_id = db.session.scalar(select(SearchEntry.id).where(SearchEntry.kind == "action"))
        db.session.get(Action, action.id).due_on = date(2030, 1, 1)
        db.session.commit()
        assert (
            db.session.scalar(select(SearchEntry.id).where(SearchEntry.kind == "action"))
            == entry_id
        )


# Rebuilding ---------------------------------------------------------------------------


def test_cli_rebuild_indexes_every_record_again(app, runner, world):
    with app.app_context():
        db.session.execute(SearchEntry.__table__.delete())
        db.session.commit()
    assert _hits(app, Action, "custody") == set()
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "action: 3 indexed" in result.output
    assert "meeting: 2 indexed" in result.output
    assert "finding: 1 indexed" in result.output
    assert "Search index rebuilt: 9 records." in result.output
    assert len(_hits(app, Action, "custody")) == 2
    assert len(_entries(app)) == 9
