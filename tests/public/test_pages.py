"""The public pages: reachable without signing in, cacheable only for anonymous visitors,
the public navigation and footer, and the Atom feed parsed back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from defusedxml import ElementTree

from tests.factories import london_today, make_meeting
from tracker.db import db
from tracker.publication.models import PublicationKind, PublicationRecord

ATOM = "{http://www.w3.org/2005/Atom}"
PAGES = [
    "/public/",
    "/public/meetings",
    "/public/panel-recommendations",
    "/public/publications",
    "/public/timetable",
    "/public/feed.atom",
]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_get_a_cacheable_page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "Cookie" in response.headers["Vary"]


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_visitors_pages_are_never_stored(client, login_as, officer, path):
    login_as(officer)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_signed_in_pages_are_not_cached_publicly(client, login_as, officer):
    login_as(officer)
    assert client.get("/publication/").headers["Cache-Control"] == "no-store"


def test_missing_meeting_is_not_cached_as_public(client):
    response = client.get("/public/meetings/999")
    assert response.status_code == 404
    assert "public" not in response.headers.get("Cache-Control", "")


def test_public_layout_has_public_navigation_and_footer_links_but_no_account_menu(
    client, login_as, officer
):
    login_as(officer)
    page = client.get("/public/").text
    assert 'aria-label="Public pages"' in page
    assert "/accessibility" in page
    assert "/privacy" in page
    assert "Sign out" not in page.split("</header>")[0]
    assert "Search everything" not in page


@pytest.fixture
def published(app) -> dict[str, int]:
    held = london_today() - timedelta(days=30)
    meeting = make_meeting(
        app,
        title="Quarterly performance: <victims> & witnesses",
        held_on=held,
        outcome_summary="The PCC was assured on victim contact.",
        outcome_published_on=held + timedelta(days=14),
    )
    with app.app_context():
        record = PublicationRecord(
            kind=PublicationKind.ANNUAL_STATEMENT,
            title="Statement on the national policing priorities 2026",
            due_on=date(2026, 7, 31),
            published_on=date(2026, 7, 20),
            url="https://opcc.example.org/statement-2026",
            summary="How the force contributes to the national priorities.",
        )
        db.session.add(record)
        db.session.commit()
        return {"meeting": meeting.id, "record": record.id}


def test_atom_feed_parses_back_with_an_entry_per_publication(client, published):
    response = client.get("/public/feed.atom")
    assert response.content_type == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}id").text.endswith("/public/feed.atom")
    assert feed.find(f"{ATOM}updated").text.endswith("Z")
    entries = {e.find(f"{ATOM}id").text.rsplit("#", 1)[1]: e for e in feed.iter(f"{ATOM}entry")}
    assert set(entries) == {f"meeting-{published['meeting']}", f"publication-{published['record']}"}
    meeting = entries[f"meeting-{published['meeting']}"]
    # Markup in a title is text, escaped by the XML writer and read back intact.
    assert meeting.find(f"{ATOM}title").text == (
        "A&A minutes and outcome summary: Quarterly performance: <victims> & witnesses"
    )
    link = meeting.find(f"{ATOM}link").get("href")
    assert link.startswith("http")
    assert link.endswith(f"/public/meetings/{published['meeting']}")
    assert meeting.find(f"{ATOM}summary").text == "The PCC was assured on victim contact."
    statement = entries[f"publication-{published['record']}"]
    assert statement.find(f"{ATOM}link").get("href") == "https://opcc.example.org/statement-2026"
    assert statement.find(f"{ATOM}published").text == "2026-07-20T00:00:00Z"


def test_feed_entry_links_open_without_signing_in(client, published):
    feed = ElementTree.fromstring(client.get("/public/feed.atom").data)
    for link in feed.iter(f"{ATOM}link"):
        href = link.get("href")
        if "/public/" in href:
            path = href[href.index("/public/") :]
            assert client.get(path).status_code == 200, path


def test_feed_with_nothing_published_is_valid_and_empty(client):
    feed = ElementTree.fromstring(client.get("/public/feed.atom").data)
    assert list(feed.iter(f"{ATOM}entry")) == []
    assert feed.find(f"{ATOM}title").text.endswith(": publications")
